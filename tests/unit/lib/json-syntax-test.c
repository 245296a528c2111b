/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of json_syntax_check(): RFC 8259 exactly (where json-c is more
 * lenient), and the line, column and words of the first error. */
#include <errno.h>
#include <string.h>

#include "json-syntax.h"
#include "unit.h"
#include "macro.h"

static int check(const char *text, struct json_syntax_error *error)
{
	return json_syntax_check(text, strlen(text), error);
}

/* TEXT fails at LINE:COLUMN with MESSAGE. */
static void check_error(const char *text, unsigned int line, unsigned int column,
			const char *message)
{
	struct json_syntax_error error = { 0 };

	CU_ASSERT_EQUAL(check(text, &error), -EINVAL);
	CU_ASSERT_EQUAL(error.line, line);
	CU_ASSERT_EQUAL(error.column, column);
	CU_ASSERT_STRING_EQUAL(error.message, message);
}

static void test_valid_json_passes(void)
{
	static const char *const valid[] = {
		"{}", "[]", "0", "-0", "1.5e-3", "-1E+10", "0.0", "\"\"", "true", "false", "null",
		" \t\r\n{ \"a\" : [ 1 , 2 , { } ] , \"b\" : \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\" } \n",
		"\"\\ud800\"", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}",
	};
	struct json_syntax_error error;
	size_t i;

	for (i = 0; i < ELEMENTSOF(valid); i++)
		CU_ASSERT_EQUAL(check(valid[i], &error), 0);
}

static void test_what_json_c_accepts_is_refused(void)
{
	check_error("{\"a\": 1.}", 1, 9, "unexpected '}' (expected a digit after '.')");
	check_error("[01]", 1, 3, "leading zero in a number (expected a digit other than 0 first)");
	check_error("[-01]", 1, 4, "leading zero in a number (expected a digit other than 0 first)");
	check_error("\"a\tb\"", 1, 3,
		    "control character 0x09 in a string (expected it escaped, as \\u0009)");
	check_error("[NaN]", 1, 2, "unexpected 'N' (expected a JSON value)");
	check_error("[Infinity]", 1, 2, "unexpected 'I' (expected a JSON value)");
	check_error("\"\xff\"", 1, 2, "invalid UTF-8 byte 0xff (expected UTF-8 text)");
}

static void test_utf8_is_strict(void)
{
	check_error("\"\xc0\xaf\"", 1, 2, "invalid UTF-8 byte 0xc0 (expected UTF-8 text)");
	check_error("\"\xe0\x80\x80\"", 1, 2, "invalid UTF-8 sequence (expected UTF-8 text)");
	check_error("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8 sequence (expected UTF-8 text)");
	check_error("\"\xf4\x90\x80\x80\"", 1, 2, "invalid UTF-8 sequence (expected UTF-8 text)");
	check_error("\"\xc3\"", 1, 2, "invalid UTF-8 sequence (expected UTF-8 text)");
	check_error("\xef\xbb\xbf{}", 1, 1, "byte order mark (expected JSON text without one)");
}

static void test_structure_errors(void)
{
	check_error("", 1, 1, "empty file (expected a JSON object)");
	check_error("{\"a\": 1,}", 1, 9, "unexpected '}' (expected a key in double quotes)");
	check_error("[1,]", 1, 4, "unexpected ']' (expected a JSON value)");
	check_error("{\"a\" 1}", 1, 6, "unexpected '1' (expected ':' after the key)");
	check_error("{\"a\": 1 \"b\": 2}", 1, 9, "unexpected '\"' (expected ',' or '}')");
	check_error("[1 2]", 1, 4, "unexpected '2' (expected ',' or ']')");
	check_error("{'a': 1}", 1, 2, "unexpected \"'\" (expected a key in double quotes)");
	check_error("{} {}", 1, 4, "unexpected '{' (expected the end of the file after the JSON value)");
	check_error("[tru]", 1, 5, "unexpected ']' (expected a JSON value)");
	check_error("\"abc", 1, 5, "unexpected end of file in a string (expected '\"')");
	check_error("\"\\x\"", 1, 3,
		    "unexpected 'x' (expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)");
	check_error("\"\\u12g4\"", 1, 6, "unexpected 'g' (expected four hex digits after \\u)");
	check_error("[1e]", 1, 4, "unexpected ']' (expected a digit in the exponent)");
	check_error("[-]", 1, 3, "unexpected ']' (expected a digit)");
	check_error("/* c */ {}", 1, 1, "unexpected '/' (expected a JSON value)");
}

static void test_positions_count_lines_and_characters(void)
{
	check_error("{\n  \"version\": 1,\n  \"buses\": [1,]\n}\n", 3, 15,
		    "unexpected ']' (expected a JSON value)");
	/* é and € are one column each */
	check_error("[\"\xc3\xa9\xe2\x82\xac\", x]", 1, 8, "unexpected 'x' (expected a JSON value)");
	check_error("{\r\n\t\"a\": @}", 2, 7, "unexpected '@' (expected a JSON value)");
	check_error("{\"a\": 1", 1, 8, "unexpected end of file (expected ',' or '}')");
	check_error("\n\n", 3, 1, "empty file (expected a JSON object)");
}

static void test_nul_in_keys_and_values(void)
{
	struct json_syntax_error error;
	static const char with_nul[] = "[1]\0";

	CU_ASSERT_EQUAL(check("{\"a\": \"x\\u0000y\"}", &error), 0);
	check_error("{\"a\\u0000b\": 1}", 1, 10,
		    "\\u0000 in a key (expected a key without NUL characters)");
	/* a NUL byte after the value is text after it, not an end */
	CU_ASSERT_EQUAL(json_syntax_check(with_nul, sizeof(with_nul) - 1, &error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error.message,
			       "unexpected byte 0x00 (expected the end of the file after the JSON value)");
}

static void test_duplicate_keys_are_refused_with_both_places(void)
{
	check_error("{\"a\":1,\"a\":2}", 1, 8,
		    "$: key \"a\" written twice, first at line 1, column 2 (expected each key once)");
	check_error("{\n  \"devices\": [\n    {\"name\": \"web0\"},\n"
		    "    {\"name\": \"web1\", \"mtu\": 1500,\n     \"mtu\": 9000}\n  ]\n}\n",
		    5, 6,
		    "$.devices[1]: key \"mtu\" written twice, first at line 4, column 22 (expected each key once)");
	/* escapes are decoded before keys are compared */
	check_error("{\"mtu\":1,\"m\\u0074u\":2}", 1, 10,
		    "$: key \"mtu\" written twice, first at line 1, column 2 (expected each key once)");
	/* three times: the second is reported, with the first */
	check_error("[{\"b\":0,\"a\":1,\"b\":2,\"a\":3,\"b\":4}]", 1, 15,
		    "$[0]: key \"b\" written twice, first at line 1, column 3 (expected each key once)");
}

static void test_depth_is_limited(void)
{
	char deep[2 * (JSON_SYNTAX_MAX_DEPTH + 1) + 1];
	struct json_syntax_error error;
	int levels;

	for (levels = JSON_SYNTAX_MAX_DEPTH; levels <= JSON_SYNTAX_MAX_DEPTH + 1; levels++) {
		memset(deep, '[', levels);
		memset(deep + levels, ']', levels);
		deep[2 * levels] = '\0';
		CU_ASSERT_EQUAL(check(deep, &error), levels > JSON_SYNTAX_MAX_DEPTH ? -EINVAL : 0);
	}
	CU_ASSERT_STRING_EQUAL(error.message, "nested deeper than 32 levels");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "valid JSON passes, whatever it holds", test_valid_json_passes },
		{ "what json-c accepts beyond RFC 8259 is refused", test_what_json_c_accepts_is_refused },
		{ "UTF-8 is checked as RFC 3629 defines it", test_utf8_is_strict },
		{ "structure errors say what was found and expected", test_structure_errors },
		{ "positions count lines and characters, not bytes", test_positions_count_lines_and_characters },
		{ "\\u0000 is refused in keys only", test_nul_in_keys_and_values },
		{ "nesting deeper than 32 levels is refused", test_depth_is_limited },
		{ "a key written twice is refused, with its JSON path and both places",
		  test_duplicate_keys_are_refused_with_both_places },
	};

	return unit_run("lib/json-syntax", UNIT_TESTS(tests));
}
