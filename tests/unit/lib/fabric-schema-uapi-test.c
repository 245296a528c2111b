/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests that schemas/fabric.schema.json says what the uapi and libvbus
 * say: the same keys as the parser's tables, the uapi ranges and limits, the
 * connector and device type names. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "fabric-attribute.h"
#include "fabric.h"
#include "unit.h"
#include "json-cleanup.h"


static struct json_object *schema;

/* The value at PATH ("definitions/bus/properties/name"), or NULL. */
static struct json_object *at(const char *path)
{
	struct json_object *value = schema;
	char copy[256], *key, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", path);
	for (key = strtok_r(copy, "/", &save); key && value; key = strtok_r(NULL, "/", &save))
		if (!json_object_object_get_ex(value, key, &value))
			value = NULL;
	return value;
}

static int64_t integer_at(const char *path)
{
	struct json_object *value = at(path);

	CU_ASSERT_PTR_NOT_NULL(value);
	return value ? json_object_get_int64(value) : -1;
}

static const char *string_at(const char *path)
{
	struct json_object *value = at(path);

	CU_ASSERT_TRUE(json_object_is_type(value, json_type_string));
	return value ? json_object_get_string(value) : "";
}

/* The keys of the object at PATH, as "a b c". */
static void keys_at(const char *path, char *keys, size_t size)
{
	struct json_object *object = at(path);
	size_t length = 0;

	keys[0] = '\0';
	CU_ASSERT_PTR_NOT_NULL_FATAL(object);
	json_object_object_foreach(object, key, value) {
		(void)value;
		length += snprintf(keys + length, size - length, "%s%s", length ? " " : "", key);
	}
}

/* The array of strings at PATH, as "a b c". */
static void strings_at(const char *path, char *strings, size_t size)
{
	struct json_object *array = at(path);
	size_t length = 0, i;

	strings[0] = '\0';
	CU_ASSERT_TRUE_FATAL(json_object_is_type(array, json_type_array));
	for (i = 0; i < json_object_array_length(array); i++)
		length += snprintf(strings + length, size - length, "%s%s", length ? " " : "",
				   json_object_get_string(json_object_array_get_idx(array, i)));
}

/* Appends the names TO_STRING gives for 0..MAX to LIST. */
static void names(const char *(*to_string)(uint32_t), uint32_t max, char *list, size_t size)
{
	size_t length = 0;
	uint32_t i;

	list[0] = '\0';
	for (i = 0; i <= max; i++)
		if (to_string(i))
			length += snprintf(list + length, size - length, "%s%s", length ? " " : "",
					   to_string(i));
}

static void test_keys_are_the_parsers(void)
{
	char keys[256], expected[256];
	size_t length, i;

	keys_at("properties", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, "$schema version buses devices");
	strings_at("required", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, "version");
	CU_ASSERT_EQUAL(integer_at("properties/version/const"), FABRIC_VERSION);

	length = snprintf(expected, sizeof(expected), "name state");
	for (i = 0; i < fabric_bus_attribute_count; i++)
		length += snprintf(expected + length, sizeof(expected) - length, " %s",
				   fabric_bus_attributes[i].name);
	keys_at("definitions/bus/properties", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, expected);
	strings_at("definitions/bus/required", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, "name");

	length = snprintf(expected, sizeof(expected), "name type state bus");
	for (i = 0; i < fabric_attribute_count; i++)
		length += snprintf(expected + length, sizeof(expected) - length, " %s",
				   fabric_attributes[i].name);
	keys_at("definitions/device/properties", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, expected);
	/* a type, unless "state": "absent" */
	strings_at("definitions/device/required", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, "name");
	strings_at("definitions/device/else/required", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, "type");
	strings_at("definitions/device/if/required", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, "state");
	strings_at("definitions/state/enum", keys, sizeof(keys));
	CU_ASSERT_STRING_EQUAL(keys, "present absent");
}

static void test_objects_refuse_unknown_keys(void)
{
	CU_ASSERT_FALSE(json_object_get_boolean(at("additionalProperties")));
	CU_ASSERT_PTR_NOT_NULL(at("additionalProperties"));
	CU_ASSERT_PTR_NOT_NULL(at("definitions/bus/additionalProperties"));
	CU_ASSERT_FALSE(json_object_get_boolean(at("definitions/bus/additionalProperties")));
	CU_ASSERT_PTR_NOT_NULL(at("definitions/device/additionalProperties"));
	CU_ASSERT_FALSE(json_object_get_boolean(at("definitions/device/additionalProperties")));
}

static void test_ranges_are_the_uapis(void)
{
	char path[128];
	uint32_t min, max;
	size_t i;

	for (i = 0; i < fabric_attribute_count; i++) {
		if (fabric_attributes[i].kind != FABRIC_ATTRIBUTE_U32)
			continue;
		CU_ASSERT_EQUAL(vbus_venet_range(fabric_attributes[i].flag, &min, &max), 0);
		snprintf(path, sizeof(path), "definitions/device/properties/%s/minimum",
			 fabric_attributes[i].name);
		CU_ASSERT_EQUAL(integer_at(path), min);
		snprintf(path, sizeof(path), "definitions/device/properties/%s/maximum",
			 fabric_attributes[i].name);
		CU_ASSERT_EQUAL(integer_at(path), max);
	}
	CU_ASSERT_EQUAL(integer_at("definitions/bus/properties/region_size/minimum"),
			VBUS_REGION_SIZE_MIN);
	CU_ASSERT_EQUAL(integer_at("definitions/bus/properties/region_size/maximum"),
			VBUS_REGION_SIZE_MAX);
	CU_ASSERT_EQUAL(integer_at("definitions/bus/properties/region_size/multipleOf"),
			FABRIC_REGION_SIZE_ALIGN);
}

static void test_names_are_libvbus(void)
{
	char list[128], expected[128];

	strings_at("definitions/bus/properties/connector/enum", list, sizeof(list));
	names(vbus_connector_to_string, VBUS_CONNECTOR_MAX, expected, sizeof(expected));
	CU_ASSERT_STRING_EQUAL(list, expected);
	strings_at("definitions/device/properties/type/enum", list, sizeof(list));
	names(vbus_device_type_to_string, VBUS_DEVICE_TYPE_MAX, expected, sizeof(expected));
	CU_ASSERT_STRING_EQUAL(list, expected);
}

static void test_lengths_are_the_uapis(void)
{
	char expected[32];

	snprintf(expected, sizeof(expected), "{0,%d}$", VBUS_NAME_MAX - 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(string_at("definitions/name/pattern"), expected));
	snprintf(expected, sizeof(expected), "{1,%d}$", VBUS_IFNAME_MAX - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(string_at("definitions/ifname/pattern"), expected));
	snprintf(expected, sizeof(expected), "{1,%d}$", VBUS_DOMAIN_MAX - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(string_at("definitions/bus/properties/domain/pattern"),
				      expected));
}

static void test_interface_names_share_one_definition(void)
{
	char path[128];
	size_t i;

	for (i = 0; i < fabric_attribute_count; i++) {
		if (fabric_attributes[i].kind != FABRIC_ATTRIBUTE_IFNAME)
			continue;
		snprintf(path, sizeof(path), "definitions/device/properties/%s/$ref",
			 fabric_attributes[i].name);
		CU_ASSERT_STRING_EQUAL(string_at(path), "#/definitions/ifname");
	}
	CU_ASSERT_STRING_EQUAL(string_at("definitions/device/properties/bus/$ref"),
			       "#/definitions/name");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the schema's keys are the parser's", test_keys_are_the_parsers },
		{ "every object refuses unknown keys", test_objects_refuse_unknown_keys },
		{ "ranges are the uapi's", test_ranges_are_the_uapis },
		{ "connector and type names are libvbus's", test_names_are_libvbus },
		{ "length limits are the uapi's", test_lengths_are_the_uapis },
		{ "interface names share one definition", test_interface_names_share_one_definition },
	};
	_cleanup_(json_object_putp) struct json_object *loaded =
		json_object_from_file(VBUS_SRCDIR "/schemas/fabric.schema.json");

	if (!loaded) {
		fprintf(stderr, "cannot read %s/schemas/fabric.schema.json\n", VBUS_SRCDIR);
		return 1;
	}
	schema = loaded;
	return unit_run("lib/fabric-schema-uapi", UNIT_TESTS(tests));
}
