/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading one fabric file: JSON text to the model, each value checked as
 * schemas/fabric.schema.json checks it, every error collected with its path. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fabric-attribute.h"
#include "fabric.h"
#include "json-syntax.h"
#include "json-cleanup.h"

/* Larger files are refused: 65536 devices fit in a tenth of it. */
#define FABRIC_FILE_MAX		(64U << 20)

/* Long enough for "$.devices[18446744073709551615]." and a key cut to 40. */
#define PATH_MAX_LENGTH		128

/* The forms of strings, for "(expected ...)": after "is not a valid name"
 * alone, after "is a number" with what the value is ("a name: ..."). */
#define FORM_NAME	"[a-z0-9][a-z0-9_.-]*, at most 31 characters"
#define FORM_DOMAIN	"1..255 printable ASCII characters, no '/'"
#define FORM_UUID	"8-4-4-4-12 hex digits"
#define FORM_MAC	"six two-digit hex numbers separated by ':'"
#define FORM_IFNAME	"1..15 printable ASCII characters, no '/' or ':', not \".\" or \"..\""

DEFINE_CLEANUP_FUNC(struct json_tokener, json_tokener_free)

struct parser {
	const char *file;		/* the name in messages, interned in fabric */
	struct fabric *fabric;
	struct fabric_errors *errors;
	int result;			/* 0; -EINVAL after an error; -ENOMEM */
};

static void report(struct parser *parser, const char *path, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct parser *parser, const char *path, const char *format, ...)
{
	char message[512];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	if (fabric_errors_add(parser->errors, "%s: %s: %s", parser->file, path, message) < 0)
		parser->result = -ENOMEM;
	else if (parser->result == 0)
		parser->result = -EINVAL;
}

/* VALUE as JSON text for a message, cut to about 40 characters at a
 * character boundary; containers as {...} and [...]. */
static const char *show(struct json_object *value, char *text, size_t size)
{
	const char *json;
	size_t length;

	if (json_object_is_type(value, json_type_object))
		return "{...}";
	if (json_object_is_type(value, json_type_array))
		return "[...]";
	json = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	length = strlen(json);
	if (length <= 40 || size < 41) {
		snprintf(text, size, "%s", json);
		return text;
	}
	length = 37;
	while (length && (json[length] & 0xc0) == 0x80)
		length--;
	snprintf(text, size, "%.*s...", (int)length, json);
	return text;
}

static const char *type_name(struct json_object *value)
{
	switch (json_object_get_type(value)) {
	case json_type_boolean:
		return "a boolean";
	case json_type_int:
	case json_type_double:
		return "a number";
	case json_type_string:
		return "a string";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_null:
		break;
	}
	return "null";
}

static void type_error(struct parser *parser, const char *path, struct json_object *value,
		       const char *expected)
{
	char text[64];

	if (json_object_is_type(value, json_type_null))
		report(parser, path, "null is not allowed here (expected %s)", expected);
	else
		report(parser, path, "%s is %s (expected %s)", show(value, text, sizeof(text)),
		       type_name(value), expected);
}

/* A string's text, or NULL after a type error. */
static const char *text_of(struct parser *parser, const char *path, struct json_object *value,
			   const char *expected)
{
	if (!json_object_is_type(value, json_type_string)) {
		type_error(parser, path, value, expected);
		return NULL;
	}
	return json_object_get_string(value);
}

/* Whether a string holds a NUL ("\u0000"), which no value may. */
static bool has_nul(struct json_object *value)
{
	return strlen(json_object_get_string(value)) != (size_t)json_object_get_string_len(value);
}

/* The integer VALUE holds, as JSON Schema sees integers: 1500.0 is one.
 * Beyond int64_t, the nearest end of it. */
static bool integer_of(struct json_object *value, int64_t *integer)
{
	double number;

	if (json_object_is_type(value, json_type_int)) {
		*integer = json_object_get_int64(value);
		return true;
	}
	if (!json_object_is_type(value, json_type_double))
		return false;
	number = json_object_get_double(value);
	if (!isfinite(number) || number != floor(number))
		return false;
	if (number >= 0x1p63)
		*integer = INT64_MAX;
	else if (number < -0x1p63)
		*integer = INT64_MIN;
	else
		*integer = (int64_t)number;
	return true;
}

/* An integer in MIN..MAX and, when MULTIPLE is not 0, a multiple of it. */
static bool u32_of(struct parser *parser, const char *path, struct json_object *value,
		   uint32_t min, uint32_t max, uint32_t multiple, uint32_t *result)
{
	char text[64], range[64], expected[96];
	int64_t integer;

	if (multiple)
		snprintf(range, sizeof(range), "a multiple of %u in %u..%u", multiple, min, max);
	else
		snprintf(range, sizeof(range), "%u..%u", min, max);
	snprintf(expected, sizeof(expected), multiple ? "an integer, %s" : "an integer %s", range);
	if (!integer_of(value, &integer)) {
		if (json_object_is_type(value, json_type_double))
			report(parser, path, "%s is not an integer (expected %s)",
			       show(value, text, sizeof(text)), expected);
		else
			type_error(parser, path, value, expected);
		return false;
	}
	if (integer < min || integer > max) {
		report(parser, path, "%s is out of range (expected %s)",
		       show(value, text, sizeof(text)), range);
		return false;
	}
	if (multiple && integer % multiple) {
		report(parser, path, "%s is not a multiple of %u (expected %s)",
		       show(value, text, sizeof(text)), multiple, range);
		return false;
	}
	*result = (uint32_t)integer;
	return true;
}

static void key_path(char *path, const char *parent, const char *key)
{
	snprintf(path, PATH_MAX_LENGTH, "%.64s.%.40s", parent, key);
}

static void unknown_key(struct parser *parser, const char *path, const char *key,
			const char *expected)
{
	_cleanup_(json_object_putp) struct json_object *quoted = json_object_new_string(key);
	char text[64], closest[64];

	if (!quoted) {
		parser->result = -ENOMEM;
		return;
	}
	if (vbus_closest_word(key, expected, closest, sizeof(closest)))
		report(parser, path, "unknown key %s, did you mean \"%s\"? (expected one of %s)",
		       show(quoted, text, sizeof(text)), closest, expected);
	else
		report(parser, path, "unknown key %s (expected one of %s)",
		       show(quoted, text, sizeof(text)), expected);
}

static void missing_key(struct parser *parser, const char *path, const char *key,
			const char *expected)
{
	report(parser, path, "\"%s\" is missing (expected %s)", key, expected);
}

/* The names TO_STRING gives for 0..MAX: "one of a, b, c", or "a" alone. */
static const char *name_list(const char *(*to_string)(uint32_t), uint32_t max, char *list,
			     size_t size)
{
	size_t length = 0, count = 0;
	uint32_t i;

	for (i = 0; i <= max; i++)
		count += to_string(i) != NULL;
	length = snprintf(list, size, "%s", count > 1 ? "one of " : "");
	for (i = 0; i <= max; i++)
		if (to_string(i) && length < size)
			length += snprintf(list + length, size - length, "%s%s",
					   length > strlen("one of ") ? ", " : "", to_string(i));
	return list;
}

/* --- values ------------------------------------------------------------- */

static bool name_of(struct parser *parser, const char *path, struct json_object *value,
		    char name[VBUS_NAME_MAX])
{
	const char *text = text_of(parser, path, value, "a name: " FORM_NAME);
	char shown[64];

	if (!text)
		return false;
	if (has_nul(value) || !vbus_name_valid(text)) {
		report(parser, path, "%s is not a valid name (expected %s)",
		       show(value, shown, sizeof(shown)), FORM_NAME);
		return false;
	}
	snprintf(name, VBUS_NAME_MAX, "%s", text);
	return true;
}

/* What the kernel's dev_valid_name() accepts, in printable ASCII only: a
 * schema counts characters where the kernel counts bytes. */
static bool ifname_valid(const char *text, size_t length)
{
	size_t i;

	if (length == 0 || length >= VBUS_IFNAME_MAX || !strcmp(text, ".") || !strcmp(text, ".."))
		return false;
	for (i = 0; i < length; i++)
		if (text[i] <= ' ' || text[i] > '~' || text[i] == '/' || text[i] == ':')
			return false;
	return true;
}

static bool ifname_of(struct parser *parser, const char *path, struct json_object *value,
		      char ifname[VBUS_IFNAME_MAX])
{
	const char *text = text_of(parser, path, value, "an interface name: " FORM_IFNAME);
	char shown[64];

	if (!text)
		return false;
	if (!ifname_valid(text, json_object_get_string_len(value))) {
		report(parser, path, "%s is not an interface name (expected %s)",
		       show(value, shown, sizeof(shown)), FORM_IFNAME);
		return false;
	}
	snprintf(ifname, VBUS_IFNAME_MAX, "%s", text);
	return true;
}

static bool mac_of(struct parser *parser, const char *path, struct json_object *value,
		   uint8_t mac[VBUS_MAC_LEN])
{
	const char *text = text_of(parser, path, value, "a MAC address: " FORM_MAC);
	char shown[64];

	if (!text)
		return false;
	show(value, shown, sizeof(shown));
	if (has_nul(value) || vbus_mac_parse(text, mac) < 0) {
		report(parser, path, "%s is not a MAC address (expected %s)", shown, FORM_MAC);
		return false;
	}
	if (!vbus_mac_valid(mac)) {
		report(parser, path, "%s is %s (expected a non-zero unicast address)", shown,
		       mac[0] & 1 ? "a multicast address" : "the zero address");
		return false;
	}
	return true;
}

static bool connector_of(struct parser *parser, const char *path, struct json_object *value,
			 uint32_t *connector)
{
	char list[64], shown[64];
	const char *text;

	name_list(vbus_connector_to_string, VBUS_CONNECTOR_MAX, list, sizeof(list));
	text = text_of(parser, path, value, list);
	if (!text)
		return false;
	if (has_nul(value) || vbus_connector_from_string(text, connector) < 0) {
		report(parser, path, "%s is not a connector (expected %s)",
		       show(value, shown, sizeof(shown)), list);
		return false;
	}
	return true;
}

/* Printable ASCII but '/', which libvirt refuses in names. */
static bool domain_of(struct parser *parser, const char *path, struct json_object *value,
		      char domain[VBUS_DOMAIN_MAX])
{
	const char *text = text_of(parser, path, value, "a libvirt domain name: " FORM_DOMAIN);
	size_t length, i;
	char shown[64];

	if (!text)
		return false;
	length = json_object_get_string_len(value);
	for (i = 0; i < length; i++)
		if (text[i] < ' ' || text[i] > '~' || text[i] == '/')
			break;
	if (length == 0 || length >= VBUS_DOMAIN_MAX || i < length) {
		report(parser, path, "%s is not a libvirt domain name (expected %s)",
		       show(value, shown, sizeof(shown)), FORM_DOMAIN);
		return false;
	}
	memcpy(domain, text, length + 1);
	return true;
}

static bool uuid_of(struct parser *parser, const char *path, struct json_object *value,
		    uint8_t uuid[VBUS_UUID_LEN])
{
	const char *text = text_of(parser, path, value, "a UUID: " FORM_UUID);
	char shown[64];

	if (!text)
		return false;
	if (has_nul(value) || vbus_uuid_parse(text, uuid) < 0) {
		report(parser, path, "%s is not a UUID (expected %s)",
		       show(value, shown, sizeof(shown)), FORM_UUID);
		return false;
	}
	return true;
}

/* "state": "present" (the default) or "absent" (nmstate's words). */
static void state_of(struct parser *parser, const char *path, struct json_object *value,
		     bool *absent)
{
	const char *text = text_of(parser, path, value, "one of present, absent");
	char shown[64];

	if (!text)
		return;
	if (!has_nul(value) && !strcmp(text, "absent")) {
		*absent = true;
		return;
	}
	if (has_nul(value) || strcmp(text, "present"))
		report(parser, path, "%s is not a state (expected one of present, absent)",
		       show(value, shown, sizeof(shown)));
}

/* --- objects ------------------------------------------------------------- */

/* One of the optional attributes of a bus; false after an error. */
static bool bus_member(struct parser *parser, const char *path, const char *key,
		       struct json_object *value, struct fabric_bus *bus)
{
	struct vbus_bus_info *info = &bus->info;
	uint32_t flag;
	bool valid;

	if (!strcmp(key, "connector")) {
		flag = FABRIC_BUS_F_CONNECTOR;
		valid = connector_of(parser, path, value, &info->connector);
	} else if (!strcmp(key, "region_size")) {
		flag = FABRIC_BUS_F_REGION_SIZE;
		valid = u32_of(parser, path, value, VBUS_REGION_SIZE_MIN, VBUS_REGION_SIZE_MAX,
			       FABRIC_REGION_SIZE_ALIGN, &info->region_size);
	} else if (!strcmp(key, "domain")) {
		flag = FABRIC_BUS_F_DOMAIN;
		valid = domain_of(parser, path, value, info->domain);
	} else if (!strcmp(key, "poll_us")) {
		flag = FABRIC_BUS_F_POLL_US;
		valid = info->has_poll_us = u32_of(parser, path, value, 0, VBUS_BUS_POLL_US_MAX, 0,
						   &info->poll_us);
	} else {
		flag = FABRIC_BUS_F_UUID;
		valid = info->has_uuid = uuid_of(parser, path, value, info->uuid);
	}
	if (valid)
		bus->present |= flag;
	return valid;
}

static void parse_bus(struct parser *parser, const char *path, size_t index,
		      struct json_object *object)
{
	struct fabric_bus bus = { .origin = { parser->file, index } };
	char member[PATH_MAX_LENGTH];
	bool named = false, absent = false;
	int r;

	if (!json_object_is_type(object, json_type_object)) {
		type_error(parser, path, object, "a bus object: {\"name\": ...}");
		return;
	}
	json_object_object_foreach(object, key, value) {
		key_path(member, path, key);
		if (!strcmp(key, "name")) {
			named = name_of(parser, member, value, bus.info.name);
		} else if (!strcmp(key, "connector") || !strcmp(key, "region_size") ||
			   !strcmp(key, "domain") || !strcmp(key, "uuid") ||
			   !strcmp(key, "poll_us")) {
			bus_member(parser, member, key, value, &bus);
		} else if (!strcmp(key, "state")) {
			state_of(parser, member, value, &absent);
		} else {
			unknown_key(parser, path, key,
				    "name, state, connector, region_size, domain, uuid, poll_us");
		}
	}
	if (!json_object_object_get_ex(object, "name", NULL))
		missing_key(parser, path, "name", "a name: " FORM_NAME);
	/* an absent bus is its name: the rest was checked, and is not used */
	if (absent) {
		struct fabric_bus marker = { .absent = true, .origin = bus.origin };

		memcpy(marker.info.name, bus.info.name, sizeof(marker.info.name));
		bus = marker;
	}
	/* an object with errors is kept by its name (without what was wrong)
	 * for the checks of a partial parse: references to it resolve */
	if (!named || parser->result == -ENOMEM)
		return;
	r = fabric_add_bus(parser->fabric, &bus);
	if (r < 0)
		parser->result = r;
}

static bool attribute_of(struct parser *parser, const char *path,
			 const struct fabric_attribute *attribute, struct json_object *value,
			 struct fabric_device *device)
{
	void *field = fabric_attribute_value(attribute, device);
	uint32_t min = 0, max = 0;
	bool valid = false;

	switch (attribute->kind) {
	case FABRIC_ATTRIBUTE_U32:
		vbus_venet_range(attribute->flag, &min, &max);
		valid = u32_of(parser, path, value, min, max, 0, field);
		break;
	case FABRIC_ATTRIBUTE_MAC:
		valid = mac_of(parser, path, value, field);
		break;
	case FABRIC_ATTRIBUTE_IFNAME:
		valid = ifname_of(parser, path, value, field);
		break;
	}
	if (valid)
		device->info.venet.present |= attribute->flag;
	return valid;
}

static const char *device_keys(char *list, size_t size)
{
	size_t length, i;

	length = snprintf(list, size, "name, type, state, bus");
	for (i = 0; i < fabric_attribute_count && length < size; i++)
		length += snprintf(list + length, size - length, ", %s", fabric_attributes[i].name);
	return list;
}

static bool type_of(struct parser *parser, const char *path, struct json_object *value,
		    uint32_t *type)
{
	char list[64], shown[64];
	const char *text;

	name_list(vbus_device_type_to_string, VBUS_DEVICE_TYPE_MAX, list, sizeof(list));
	text = text_of(parser, path, value, list);
	if (!text)
		return false;
	if (has_nul(value) || vbus_device_type_from_string(text, type) < 0) {
		report(parser, path, "%s is not a device type (expected %s)",
		       show(value, shown, sizeof(shown)), list);
		return false;
	}
	return true;
}

static void parse_device(struct parser *parser, const char *path, size_t index,
			 struct json_object *object)
{
	struct fabric_device device = { .origin = { parser->file, index } };
	const struct fabric_attribute *attribute;
	char member[PATH_MAX_LENGTH], list[128];
	bool named = false, typed = false, absent = false;
	int r;

	if (!json_object_is_type(object, json_type_object)) {
		type_error(parser, path, object, "a device object: {\"name\": ..., \"type\": ...}");
		return;
	}
	json_object_object_foreach(object, key, value) {
		key_path(member, path, key);
		attribute = fabric_attribute_find(key);
		if (!strcmp(key, "name")) {
			named = name_of(parser, member, value, device.info.name);
		} else if (!strcmp(key, "type")) {
			typed = true;
			type_of(parser, member, value, &device.info.type);
		} else if (!strcmp(key, "bus")) {
			if (!name_of(parser, member, value, device.info.bus))
				device.info.bus[0] = '\0';
		} else if (attribute) {
			attribute_of(parser, member, attribute, value, &device);
		} else if (!strcmp(key, "state")) {
			state_of(parser, member, value, &absent);
		} else {
			unknown_key(parser, path, key, device_keys(list, sizeof(list)));
		}
	}
	if (!json_object_object_get_ex(object, "name", NULL))
		missing_key(parser, path, "name", "a name: " FORM_NAME);
	/* an absent device is its name: its type is not needed */
	if (!typed && !absent)
		missing_key(parser, path, "type",
			    name_list(vbus_device_type_to_string, VBUS_DEVICE_TYPE_MAX, list,
				      sizeof(list)));
	if (absent) {
		struct fabric_device marker = { .absent = true, .origin = device.origin };

		memcpy(marker.info.name, device.info.name, sizeof(marker.info.name));
		device = marker;
	}
	/* kept by its name even with errors, as a bus is (parse_bus()) */
	if (!named || parser->result == -ENOMEM)
		return;
	r = fabric_add_device(parser->fabric, &device);
	if (r < 0)
		parser->result = r;
}

static void parse_array(struct parser *parser, const char *path, struct json_object *array,
			const char *expected,
			void (*parse)(struct parser *, const char *, size_t, struct json_object *))
{
	char element[PATH_MAX_LENGTH];
	size_t i, length;

	if (!json_object_is_type(array, json_type_array)) {
		type_error(parser, path, array, expected);
		return;
	}
	length = json_object_array_length(array);
	for (i = 0; i < length && parser->result != -ENOMEM; i++) {
		snprintf(element, sizeof(element), "%.32s[%zu]", path, i);
		parse(parser, element, i, json_object_array_get_idx(array, i));
	}
}

static void parse_version(struct parser *parser, const char *path, struct json_object *value)
{
	char shown[64];
	int64_t version;

	if (json_object_is_type(value, json_type_int) || json_object_is_type(value, json_type_double)) {
		if (!integer_of(value, &version) || version != FABRIC_VERSION)
			report(parser, path, "%s is not a supported version (expected %d)",
			       show(value, shown, sizeof(shown)), FABRIC_VERSION);
		return;
	}
	type_error(parser, path, value, "the number 1");
}

static void parse_root(struct parser *parser, struct json_object *root)
{
	bool versioned = false;
	char member[PATH_MAX_LENGTH];

	if (!json_object_is_type(root, json_type_object)) {
		type_error(parser, "$", root, "a fabric object: {\"version\": 1, ...}");
		return;
	}
	json_object_object_foreach(root, key, value) {
		key_path(member, "$", key);
		if (!strcmp(key, "version")) {
			versioned = true;
			parse_version(parser, member, value);
		} else if (!strcmp(key, "buses")) {
			parse_array(parser, member, value, "an array of buses", parse_bus);
		} else if (!strcmp(key, "devices")) {
			parse_array(parser, member, value, "an array of devices", parse_device);
		} else if (!strcmp(key, "$schema")) {
			if (!json_object_is_type(value, json_type_string))
				type_error(parser, member, value, "a string: the schema's URI");
		} else {
			unknown_key(parser, "$", key, "version, buses, devices, $schema");
		}
	}
	if (!versioned)
		missing_key(parser, "$", "version", "\"version\": 1");
}

int fabric_parse_partial(const char *text, size_t length, const char *name,
			 struct fabric **result, struct fabric_errors *errors)
{
	_cleanup_(json_tokener_freep) struct json_tokener *tokener = NULL;
	_cleanup_(json_object_putp) struct json_object *root = NULL;
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	_cleanup_free_ char *copy = NULL;
	struct json_syntax_error syntax;
	struct parser parser;

	*result = NULL;
	if (length > FABRIC_FILE_MAX)
		return fabric_errors_add(errors, "%s: larger than %u MiB", name,
					 FABRIC_FILE_MAX >> 20) ?: -EFBIG;
	if (json_syntax_check(text, length, &syntax) < 0)
		return fabric_errors_add(errors, "%s:%u:%u: %s", name, syntax.line, syntax.column,
					 syntax.message) ?: -EINVAL;
	fabric = fabric_new();
	copy = malloc(length + 1);
	tokener = json_tokener_new_ex(JSON_SYNTAX_MAX_DEPTH + 1);
	if (!fabric || !copy || !tokener)
		return -ENOMEM;
	memcpy(copy, text, length);
	copy[length] = '\0';
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tokener, copy, (int)length + 1);
	if (json_tokener_get_error(tokener) != json_tokener_success)
		return fabric_errors_add(errors, "%s: cannot parse: %s", name,
					 json_tokener_error_desc(json_tokener_get_error(tokener)))
			?: -EINVAL;
	parser = (struct parser){ .fabric = fabric, .errors = errors };
	parser.file = fabric_intern_file(fabric, name);
	if (!parser.file)
		return -ENOMEM;
	parse_root(&parser, root);
	if (parser.result == -ENOMEM)
		return parser.result;
	*result = fabric;
	fabric = NULL;
	return parser.result;
}

int fabric_parse(const char *text, size_t length, const char *name, struct fabric **result,
		 struct fabric_errors *errors)
{
	int r = fabric_parse_partial(text, length, name, result, errors);

	if (r < 0)
		*result = fabric_free_null(*result);
	return r;
}

int fabric_read_fd(int fd, char **text, size_t *length)
{
	_cleanup_free_ char *buffer = NULL;
	size_t size = 0, capacity = 0;
	ssize_t n;

	for (;;) {
		if (size == capacity) {
			char *bigger;

			if (capacity >= FABRIC_FILE_MAX)
				return -EFBIG;
			capacity = capacity ? capacity * 2 : 16384;
			bigger = realloc(buffer, capacity);
			if (!bigger)
				return -ENOMEM;
			buffer = bigger;
		}
		n = read(fd, buffer + size, capacity - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		size += n;
	}
	/* NUL-terminated for those who want a string */
	if (size == capacity) {
		char *bigger = realloc(buffer, capacity + 1);

		if (!bigger)
			return -ENOMEM;
		buffer = bigger;
	}
	buffer[size] = '\0';
	*text = buffer;
	buffer = NULL;
	*length = size;
	return 0;
}

int fabric_read_file(const char *path, char **text, size_t *length,
		     struct fabric_errors *errors)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
	} else {
		r = fabric_read_fd(fd, text, length);
		close(fd);
	}
	if (r == -EFBIG)
		return fabric_errors_add(errors, "%s: larger than %u MiB", path,
					 FABRIC_FILE_MAX >> 20) ?: r;
	if (r < 0)
		return fabric_errors_add(errors, "%s: cannot read: %s", path, strerror(-r)) ?: r;
	return 0;
}

int fabric_parse_file(const char *path, struct fabric **fabric, struct fabric_errors *errors)
{
	_cleanup_free_ char *text = NULL;
	size_t length = 0;
	int r;

	*fabric = NULL;
	r = fabric_read_file(path, &text, &length, errors);
	if (r < 0)
		return r;
	return fabric_parse(text, length, path, fabric, errors);
}
