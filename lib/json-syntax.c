/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A strict RFC 8259 syntax check with the line and column of the first error:
 * a recursive descent over the text that builds nothing but each object's
 * list of keys, to refuse a key written twice (json-c keeps the last). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-syntax.h"
#include "macro.h"

/* Where the cursor is in the document, for "$.devices[0].mtu". */
struct frame {
	const unsigned char *key;	/* the raw key of the member being read, or NULL */
	size_t key_length;
	size_t index;			/* in an array: the element being read */
	bool object;
};

struct cursor {
	const unsigned char *text;
	size_t length, offset;
	unsigned int line, column, depth;
	struct frame frames[JSON_SYNTAX_MAX_DEPTH + 1];
	struct json_syntax_error *error;
};

/* A key of an object: its decoded text, and where it was written. */
struct key {
	char *text;
	size_t length;
	unsigned int line, column;
	size_t order;
};

static int peek(const struct cursor *c)
{
	return c->offset < c->length ? c->text[c->offset] : -1;
}

/* Moves past one byte; a column is a character, so continuation bytes of
 * UTF-8 sequences do not count. */
static void advance(struct cursor *c)
{
	unsigned char byte = c->text[c->offset++];

	if (byte == '\n') {
		c->line++;
		c->column = 1;
	} else if ((byte & 0xc0) != 0x80) {
		c->column++;
	}
}

static int fail(struct cursor *c, const char *format, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct cursor *c, const char *format, ...)
{
	va_list args;

	c->error->line = c->line;
	c->error->column = c->column;
	va_start(args, format);
	vsnprintf(c->error->message, sizeof(c->error->message), format, args);
	va_end(args);
	return -EINVAL;
}

/* What is at the cursor, for "unexpected ...". */
static const char *found(const struct cursor *c, char *text, size_t size)
{
	int byte = peek(c);

	if (byte < 0)
		snprintf(text, size, "end of file");
	else if (byte == '\'')
		snprintf(text, size, "\"'\"");
	else if (byte > ' ' && byte < 0x7f)
		snprintf(text, size, "'%c'", byte);
	else if (byte == ' ')
		snprintf(text, size, "space");
	else
		snprintf(text, size, "byte 0x%02x", (unsigned int)byte);
	return text;
}

static int unexpected(struct cursor *c, const char *expected)
{
	char text[16];

	return fail(c, "unexpected %s (expected %s)", found(c, text, sizeof(text)), expected);
}

static void skip_whitespace(struct cursor *c)
{
	int byte;

	while ((byte = peek(c)) == ' ' || byte == '\t' || byte == '\n' || byte == '\r')
		advance(c);
}

static bool is_digit(int byte)
{
	return byte >= '0' && byte <= '9';
}

static bool is_hex(int byte)
{
	return is_digit(byte) || (byte >= 'a' && byte <= 'f') || (byte >= 'A' && byte <= 'F');
}

static bool in_range(int byte, int low, int high)
{
	return byte >= low && byte <= high;
}

/* One UTF-8 sequence that starts at the cursor with a byte >= 0x80, as
 * RFC 3629 allows it: no overlong forms, no surrogates, nothing past
 * U+10FFFF. */
static int utf8_sequence(struct cursor *c)
{
	int lead = peek(c), low = 0x80, high = 0xbf, more, i;
	struct cursor start = *c;	/* errors point at the character */

	if (in_range(lead, 0xc2, 0xdf))
		more = 1;
	else if (in_range(lead, 0xe0, 0xef))
		more = 2;
	else if (in_range(lead, 0xf0, 0xf4))
		more = 3;
	else
		return fail(c, "invalid UTF-8 byte 0x%02x (expected UTF-8 text)", (unsigned int)lead);
	if (lead == 0xe0)
		low = 0xa0;
	else if (lead == 0xed)
		high = 0x9f;
	else if (lead == 0xf0)
		low = 0x90;
	else if (lead == 0xf4)
		high = 0x8f;
	advance(c);
	for (i = 0; i < more; i++) {
		int byte = peek(c);

		if (!in_range(byte, i ? 0x80 : low, i ? 0xbf : high))
			return fail(&start, "invalid UTF-8 sequence (expected UTF-8 text)");
		advance(c);
	}
	return 0;
}

/* After a backslash. In a KEY, \u0000 is refused: json-c would cut the key
 * there, and no key of ours has one. */
static int escape(struct cursor *c, bool key)
{
	const unsigned char *hex;
	int byte, i;

	advance(c);
	byte = peek(c);
	if (byte >= 0 && strchr("\"\\/bfnrt", byte) && byte) {
		advance(c);
		return 0;
	}
	if (byte != 'u')
		return unexpected(c, "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
	advance(c);
	hex = c->text + c->offset;
	for (i = 0; i < 4; i++) {
		if (!is_hex(peek(c)))
			return unexpected(c, "four hex digits after \\u");
		advance(c);
	}
	if (key && !memcmp(hex, "0000", 4))
		return fail(c, "\\u0000 in a key (expected a key without NUL characters)");
	return 0;
}

static int string(struct cursor *c, bool key)
{
	int byte, r;

	advance(c);
	for (;;) {
		byte = peek(c);
		if (byte < 0)
			return fail(c, "unexpected end of file in a string (expected '\"')");
		if (byte == '"') {
			advance(c);
			return 0;
		}
		if (byte < 0x20)
			return fail(c, "control character 0x%02x in a string (expected it escaped, as \\u%04x)",
				    (unsigned int)byte, (unsigned int)byte);
		if (byte == '\\')
			r = escape(c, key);
		else if (byte >= 0x80)
			r = utf8_sequence(c);
		else
			r = (advance(c), 0);
		if (r < 0)
			return r;
	}
}

static int digits(struct cursor *c, const char *expected)
{
	if (!is_digit(peek(c)))
		return unexpected(c, expected);
	while (is_digit(peek(c)))
		advance(c);
	return 0;
}

static int number(struct cursor *c)
{
	int r;

	if (peek(c) == '-')
		advance(c);
	if (peek(c) == '0') {
		advance(c);
		if (is_digit(peek(c)))
			return fail(c, "leading zero in a number (expected a digit other than 0 first)");
	} else {
		r = digits(c, "a digit");
		if (r < 0)
			return r;
	}
	if (peek(c) == '.') {
		advance(c);
		r = digits(c, "a digit after '.'");
		if (r < 0)
			return r;
	}
	if (peek(c) == 'e' || peek(c) == 'E') {
		advance(c);
		if (peek(c) == '+' || peek(c) == '-')
			advance(c);
		return digits(c, "a digit in the exponent");
	}
	return 0;
}

static int literal(struct cursor *c, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++) {
		if (peek(c) != word[i])
			return unexpected(c, "a JSON value");
		advance(c);
	}
	return 0;
}

static int value(struct cursor *c);

/* Appends CODE as UTF-8 to TEXT. */
static size_t utf8_put(char *text, unsigned long code)
{
	if (code < 0x80) {
		text[0] = (char)code;
		return 1;
	}
	if (code < 0x800) {
		text[0] = (char)(0xc0 | code >> 6);
		text[1] = (char)(0x80 | (code & 0x3f));
		return 2;
	}
	if (code < 0x10000) {
		text[0] = (char)(0xe0 | code >> 12);
		text[1] = (char)(0x80 | ((code >> 6) & 0x3f));
		text[2] = (char)(0x80 | (code & 0x3f));
		return 3;
	}
	text[0] = (char)(0xf0 | code >> 18);
	text[1] = (char)(0x80 | ((code >> 12) & 0x3f));
	text[2] = (char)(0x80 | ((code >> 6) & 0x3f));
	text[3] = (char)(0x80 | (code & 0x3f));
	return 4;
}

/* The LENGTH bytes of a checked key's RAW text (between the quotes) with
 * its escapes decoded, so that "m\u0074u" and "mtu" are the same key. */
static int key_decode(const unsigned char *raw, size_t length, struct key *key)
{
	static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	char *text = malloc(length + 1);
	size_t i = 0, used = 0;
	unsigned long code, low;

	if (!text)
		return -ENOMEM;
	while (i < length) {
		if (raw[i] != '\\') {
			text[used++] = (char)raw[i++];
			continue;
		}
		if (raw[i + 1] != 'u') {
			text[used++] = strchr(escapes, raw[i + 1])[1];
			i += 2;
			continue;
		}
		code = strtoul((const char []){ raw[i + 2], raw[i + 3], raw[i + 4], raw[i + 5], 0 },
			       NULL, 16);
		i += 6;
		if (code >= 0xd800 && code < 0xdc00 && i + 6 <= length && raw[i] == '\\' &&
		    raw[i + 1] == 'u') {
			low = strtoul((const char []){ raw[i + 2], raw[i + 3], raw[i + 4], raw[i + 5],
						       0 }, NULL, 16);
			if (low >= 0xdc00 && low < 0xe000) {
				code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
				i += 6;
			}
		}
		used += utf8_put(text + used, code);
	}
	text[used] = '\0';
	key->text = text;
	key->length = used;
	return 0;
}

static int compare_keys(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int r;

	if (x->length != y->length)
		return x->length < y->length ? -1 : 1;
	r = memcmp(x->text, y->text, x->length);
	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool same_key(const struct key *x, const struct key *y)
{
	return x->length == y->length && !memcmp(x->text, y->text, x->length);
}

/* "$.devices[0].mtu": where the cursor is, down to DEPTH's member. */
static void path_of(const struct cursor *c, unsigned int depth, char *path, size_t size)
{
	size_t used = snprintf(path, size, "$");
	unsigned int level;
	const struct frame *frame;

	for (level = 1; level <= depth && used < size; level++) {
		frame = &c->frames[level];
		if (!frame->object)
			used += snprintf(path + used, size - used, "[%zu]", frame->index);
		else
			used += snprintf(path + used, size - used, ".%.*s", (int)frame->key_length,
					 (const char *)frame->key);
	}
}

/* The first key written twice among the COUNT KEYS of the object at DEPTH,
 * by where its second occurrence is. */
static int duplicate_keys(struct cursor *c, struct key *keys, size_t count, unsigned int depth)
{
	const struct key *first = NULL, *second = NULL;
	char path[256];
	size_t i;

	if (count < 2)
		return 0;	/* keys may be NULL for an empty object */
	qsort(keys, count, sizeof(*keys), compare_keys);
	/* sorted: equal keys are together, in the order they were written */
	for (i = 1; i < count; i++)
		if (same_key(&keys[i - 1], &keys[i]) && (i < 2 || !same_key(&keys[i - 2], &keys[i])) &&
		    (!second || keys[i].order < second->order)) {
			first = &keys[i - 1];
			second = &keys[i];
		}
	if (!second)
		return 0;
	path_of(c, depth - 1, path, sizeof(path));
	c->error->line = second->line;
	c->error->column = second->column;
	snprintf(c->error->message, sizeof(c->error->message),
		 "%s: key \"%s\" written twice, first at line %u, column %u (expected each key once)",
		 path, second->text, first->line, first->column);
	return -EINVAL;
}

static void keys_free(struct key *keys, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(keys[i].text);
	free(keys);
}

/* One "key": value member of an object, recorded in *KEYS. */
static int member(struct cursor *c, struct key **keys, size_t *count, size_t *capacity)
{
	struct frame *frame = &c->frames[c->depth];
	struct key key = { .line = c->line, .column = c->column, .order = *count };
	size_t start = c->offset + 1;
	int r;

	if (peek(c) != '"')
		return unexpected(c, "a key in double quotes");
	r = string(c, true);
	if (r < 0)
		return r;
	if (*count == *capacity) {
		size_t grown = *capacity ? *capacity * 2 : 8;
		struct key *more = realloc(*keys, grown * sizeof(*more));

		if (!more)
			return -ENOMEM;
		*keys = more;
		*capacity = grown;
	}
	frame->key = c->text + start;
	frame->key_length = c->offset - 1 - start;
	r = key_decode(frame->key, frame->key_length, &key);
	if (r < 0)
		return r;
	(*keys)[(*count)++] = key;
	skip_whitespace(c);
	if (peek(c) != ':')
		return unexpected(c, "':' after the key");
	advance(c);
	return value(c);
}

/* The members of an object or the elements of an array, after its opening
 * bracket, up to and with CLOSE. */
static int members(struct cursor *c, bool object, int close)
{
	struct key *keys = NULL;
	size_t count = 0, capacity = 0;
	struct frame *frame;
	int r;

	if (++c->depth > JSON_SYNTAX_MAX_DEPTH)
		return fail(c, "nested deeper than %d levels", JSON_SYNTAX_MAX_DEPTH);
	frame = &c->frames[c->depth];
	*frame = (struct frame){ .object = object };
	advance(c);
	skip_whitespace(c);
	if (peek(c) == close) {
		advance(c);
		c->depth--;
		return 0;
	}
	for (;;) {
		r = object ? member(c, &keys, &count, &capacity) : value(c);
		if (r < 0)
			break;
		skip_whitespace(c);
		if (peek(c) == close) {
			advance(c);
			r = duplicate_keys(c, keys, count, c->depth);
			c->depth--;
			break;
		}
		if (peek(c) != ',') {
			r = unexpected(c, object ? "',' or '}'" : "',' or ']'");
			break;
		}
		advance(c);
		frame->index++;
		skip_whitespace(c);
	}
	keys_free(keys, count);
	return r;
}

static int value(struct cursor *c)
{
	int byte;

	skip_whitespace(c);
	byte = peek(c);
	switch (byte) {
	case '{':
		return members(c, true, '}');
	case '[':
		return members(c, false, ']');
	case '"':
		return string(c, false);
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	}
	if (byte == '-' || is_digit(byte))
		return number(c);
	return unexpected(c, "a JSON value");
}

int json_syntax_check(const char *text, size_t length, struct json_syntax_error *error)
{
	struct cursor c = {
		.text = (const unsigned char *)text, .length = length,
		.line = 1, .column = 1, .error = error,
	};
	int r;

	if (length >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		return fail(&c, "byte order mark (expected JSON text without one)");
	skip_whitespace(&c);
	if (peek(&c) < 0)
		return fail(&c, "empty file (expected a JSON object)");
	r = value(&c);
	if (r < 0)
		return r;
	skip_whitespace(&c);
	if (peek(&c) >= 0)
		return unexpected(&c, "the end of the file after the JSON value");
	return 0;
}
