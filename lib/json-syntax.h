/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A strict check of JSON text (RFC 8259) that says where it first goes wrong,
 * run before json-c builds the tree: json-c accepts more than the standard. */
#ifndef VBUS_JSON_SYNTAX_H
#define VBUS_JSON_SYNTAX_H

#include <stddef.h>

/* Deeper nesting is refused (a fabric needs four levels). */
#define JSON_SYNTAX_MAX_DEPTH	32

struct json_syntax_error {
	unsigned int line, column;	/* from 1; the column counts characters */
	char message[512];		/* "unexpected '}' (expected a key in double quotes)" */
};

/*
 * Whether LENGTH bytes of TEXT are one JSON value and nothing else, as RFC
 * 8259 defines it: UTF-8 (no byte order mark), numbers without leading zeros
 * or a bare '.', control characters escaped in strings, no NaN, comments or
 * trailing commas; and no key written twice in one object (RFC 8259 only
 * says SHOULD; json-c would keep the last one silently). 0, or -EINVAL and
 * ERROR, or -ENOMEM.
 */
int json_syntax_check(const char *text, size_t length, struct json_syntax_error *error);

#endif
