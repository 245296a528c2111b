/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's log: journald structured entries (MESSAGE plus VBUS_* fields),
 * and the same line on stderr when stderr is not the journal. */
#ifndef VBUSD_LOG_H
#define VBUSD_LOG_H

#include <syslog.h>

/*
 * Logs FORMAT at PRIORITY (LOG_ERR, LOG_WARNING, LOG_INFO, ...). FIELDS is
 * NULL or "VBUS_OBJECT=device\nVBUS_NAME=web0\n...": one journal field a
 * line. Returns ERROR, so that callers can "return log_error(...)".
 */
int log_fields(int priority, int error, const char *fields, const char *format, ...)
	__attribute__((format(printf, 4, 5)));

#define log_error(error, ...)	log_fields(LOG_ERR, (error), NULL, __VA_ARGS__)
#define log_warning(...)	log_fields(LOG_WARNING, 0, NULL, __VA_ARGS__)
#define log_info(...)		log_fields(LOG_INFO, 0, NULL, __VA_ARGS__)

#endif
