/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's log: journald structured entries, and stderr when stderr is not
 * the journal (run by hand, or in the tests). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "log.h"

#define LOG_FIELDS_MAX	8

/* Whether stderr is the journal: systemd says so in JOURNAL_STREAM
 * ("DEVICE:INODE" of the stream it connected). */
static bool stderr_is_journal(void)
{
	const char *stream = getenv("JOURNAL_STREAM");
	unsigned long long device, inode;
	struct stat st;

	if (!stream || sscanf(stream, "%llu:%llu", &device, &inode) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == device && st.st_ino == inode;
}

int log_fields(int priority, int error, const char *fields, const char *format, ...)
{
	char message[2048], text[2048 + 16], priority_field[16];
	char copy[1024], *field, *save = NULL;
	struct iovec iov[LOG_FIELDS_MAX + 2];
	size_t count = 0;
	va_list ap;

	errno = error < 0 ? -error : error;
	va_start(ap, format);
	vsnprintf(message, sizeof(message), format, ap);
	va_end(ap);

	snprintf(text, sizeof(text), "MESSAGE=%s", message);
	iov[count++] = (struct iovec){ text, strlen(text) };
	snprintf(priority_field, sizeof(priority_field), "PRIORITY=%d", priority);
	iov[count++] = (struct iovec){ priority_field, strlen(priority_field) };
	snprintf(copy, sizeof(copy), "%s", fields ? fields : "");
	for (field = strtok_r(copy, "\n", &save); field && count < LOG_FIELDS_MAX + 2;
	     field = strtok_r(NULL, "\n", &save))
		iov[count++] = (struct iovec){ field, strlen(field) };
	/* Without journald this fails silently, which is what we want. */
	sd_journal_sendv(iov, count);
	if (!stderr_is_journal())
		fprintf(stderr, "vbusd: %s\n", message);
	return error;
}

void log_domain(int priority, const char *name, const char *uuid, const char *format,
		const char *what)
{
	char fields[512];

	snprintf(fields, sizeof(fields), "VBUS_DOMAIN=%s\nVBUS_DOMAIN_UUID=%s", name, uuid);
	log_fields(priority, 0, fields, format, name, uuid, what);
}
