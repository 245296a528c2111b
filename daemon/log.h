/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's log: journald structured entries (MESSAGE plus VBUS_* fields),
 * and the same line on stderr when stderr is not the journal. */
#ifndef VBUSD_LOG_H
#define VBUSD_LOG_H

#include <syslog.h>

/*
 * Logs FORMAT at PRIORITY (LOG_ERR, LOG_WARNING, LOG_INFO, ...), with errno
 * set from ERROR (a negative errno, or 0) so that "%m" says it. FIELDS is
 * NULL or "VBUS_OBJECT=device\nVBUS_NAME=web0\n...": one journal field a
 * line. Returns ERROR, so that callers can "return log_error_errno(r, ...)".
 * Log a failure once, where it is handled: not in the callee and the caller.
 */
int log_fields(int priority, int error, const char *fields, const char *format, ...)
	__attribute__((format(printf, 4, 5)));

/* A line about a libvirt domain: FORMAT has three %s, the domain's NAME,
 * its UUID and WHAT; the entry carries VBUS_DOMAIN and VBUS_DOMAIN_UUID. */
void log_domain(int priority, const char *name, const char *uuid, const char *format,
		const char *what);

#define log_error_errno(error, ...)	log_fields(LOG_ERR, (error), NULL, __VA_ARGS__)
#define log_warning_errno(error, ...)	log_fields(LOG_WARNING, (error), NULL, __VA_ARGS__)
#define log_error(...)			log_fields(LOG_ERR, 0, NULL, __VA_ARGS__)
#define log_warning(...)		log_fields(LOG_WARNING, 0, NULL, __VA_ARGS__)
#define log_info(...)			log_fields(LOG_INFO, 0, NULL, __VA_ARGS__)

#endif
