/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name checks, destroy and show, alike for devices and buses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "attribute.h"
#include "daemon.h"
#include "error.h"
#include "kernel.h"
#include "libvbus.h"
#include "macro.h"
#include "object.h"
#include "options.h"
#include "output.h"

int object_name(const char *kind, const char *name, char *object, size_t size)
{
	char message[128];

	snprintf(object, size, "%s %s", kind, name);
	if (vbus_name_valid(name))
		return -1;
	snprintf(message, sizeof(message),
		 "not a valid name (expected [a-z0-9][a-z0-9_.-]*, at most %d characters)",
		 VBUS_NAME_MAX - 1);
	error_print(object, message, NULL);
	return EXIT_USAGE;
}

void object_owner(struct context *context, const char *kind, const char *name, char *file,
		  size_t size)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(json_object_putp) struct json_object *parsed = NULL;
	struct json_object *objects, *object, *value;
	char *all[] = { NULL };
	bool bus = !strcmp(kind, "bus");
	const char *text;
	size_t i;

	file[0] = '\0';
	/* all of them: a missing NAME is the change's to report, once */
	context->quiet_unreachable = true;
	if (daemon_get(context, bus ? "GetBuses" : "GetDevices", all, kind, &reply, &text) ==
	    EXIT_OK)
		parsed = json_tokener_parse(text);
	context->quiet_unreachable = false;
	if (!parsed || !json_object_object_get_ex(parsed, bus ? "buses" : "devices", &objects))
		return;
	for (i = 0; i < json_object_array_length(objects); i++) {
		object = json_object_array_get_idx(objects, i);
		if (!json_object_object_get_ex(object, "name", &value) ||
		    strcmp(json_object_get_string(value), name) ||
		    !json_object_object_get_ex(object, "source", &value) ||
		    !json_object_is_type(value, json_type_string) ||
		    !strcmp(json_object_get_string(value), "vbusctl"))
			continue;
		snprintf(file, size, "%s", json_object_get_string(value));
	}
}

int object_forced(int code, const char *kind, const char *name, const char *file)
{
	if (code == EXIT_OK && file[0])
		fprintf(stderr,
			"vbusctl: warning: %s %s is defined in %s: changed with --force; the next vbusctl reload puts the file's value back\n",
			kind, name, file);
	return code;
}

int object_change(struct context *context, const char *kind, const char *method,
		  enum attribute_target target, const char *usage, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	bool may_exist = false, force = false;
	bool set = target == ATTRIBUTE_DEVICE_SET || target == ATTRIBUTE_BUS_SET;
	const struct verb_option options[] = { { .name = "may-exist", .flag = &may_exist }, { NULL } };
	const struct verb_option set_options[] = { { .name = "force", .flag = &force }, { NULL } };
	const char *what = set ? "cannot change" : "cannot create";
	struct attribute_list list;
	char object[64], verb[32], error[512], owner[4096] = "";
	int first, code, r;

	code = options_parse_verb(context, usage, set ? set_options : options, argc, argv, &first);
	if (code >= 0)
		return code;
	snprintf(verb, sizeof(verb), "%s %s", kind, argv[0]);
	code = options_operands(verb, usage, argc - first, set ? 2 : 1, -1);
	if (code >= 0)
		return code;
	code = object_name(kind, argv[first], object, sizeof(object));
	if (code >= 0)
		return code;
	if (attribute_parse(target, argv + first + 1, argc - first - 1, &list, error,
			    sizeof(error)) < 0) {
		error_print(object, error, NULL);
		return EXIT_USAGE;
	}
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	if (!set)
		context->exists_hint = "--may-exist accepts an existing object";
	r = daemon_method(context, method, &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "s", argv[first]);
	if (r >= 0 && target == ATTRIBUTE_DEVICE_CREATE)
		r = sd_bus_message_append(message, "s", list.type);
	if (r >= 0)
		r = attribute_append(message, &list);
	if (r >= 0)
		r = sd_bus_message_append(message, "t",
					  (uint64_t)(set ? (force ? OBJECT_FORCE : 0) : may_exist ? 1 : 0));
	if (r < 0)
		return error_report(object, what, NULL, NULL, r);
	if (force)
		object_owner(context, kind, argv[first], owner, sizeof(owner));
	return object_forced(daemon_call(context, message, object, what, NULL), kind, argv[first],
			     owner);
}

int object_destroy(struct context *context, const char *kind, const char *method,
		   const char *usage, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	bool if_exists = false, force = false;
	const struct verb_option options[] = {
		{ .name = "if-exists", .flag = &if_exists },
		{ .name = "force", .flag = &force },
		{ NULL }
	};
	char object[64], verb[32], owner[4096] = "";
	int first, code, r;

	code = options_parse_verb(context, usage, options, argc, argv, &first);
	if (code >= 0)
		return code;
	snprintf(verb, sizeof(verb), "%s destroy", kind);
	code = options_operands(verb, usage, argc - first, 1, 1);
	if (code >= 0)
		return code;
	code = object_name(kind, argv[first], object, sizeof(object));
	if (code >= 0)
		return code;
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, method, &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "st", argv[first],
					  (uint64_t)((if_exists ? 1 : 0) | (force ? OBJECT_FORCE : 0)));
	if (r < 0)
		return error_report(object, "cannot destroy", NULL, NULL, r);
	if (force)
		object_owner(context, kind, argv[first], owner, sizeof(owner));
	return object_forced(daemon_call(context, message, object, "cannot destroy", NULL), kind,
			     argv[first], owner);
}

int object_read(struct context *context, const char *method, char **names, const char *object,
		struct json_object **reply)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	const char *text;
	int code;

	*reply = NULL;
	context->quiet_unreachable = true;
	code = daemon_get(context, method, names, object, &message, &text);
	context->quiet_unreachable = false;
	if (code == EXIT_UNREACHABLE)
		return kernel_read(context, method, names, object, reply);
	if (code != EXIT_OK)
		return code;
	*reply = output_parse(text, object);
	return *reply ? EXIT_OK : EXIT_FAILED;
}

void object_note(const struct context *context, FILE *out, struct json_object *reply)
{
	struct json_object *source;

	if (context->json || !json_object_object_get_ex(reply, "source", &source) ||
	    strcmp(json_object_get_string(source), "kernel"))
		return;
	fprintf(out, "vbusd is not reachable (%s): read from the kernel directly; managed, bridge and link are unknown.\n",
		strerror(context->unreachable_error < 0 ? -context->unreachable_error : EIO));
}

int object_show(struct context *context, const char *kind, const char *method, const char *usage,
		object_renderer render, int argc, char **argv)
{
	_cleanup_(json_object_putp) struct json_object *o = NULL;
	char object[64];
	int first, code, i, r;

	code = options_parse_verb(context, usage, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	for (i = first; i < argc; i++) {
		code = object_name(kind, argv[i], object, sizeof(object));
		if (code >= 0)
			return code;
	}
	if (argc - first == 1)
		snprintf(object, sizeof(object), "%s %s", kind, argv[first]);
	else
		snprintf(object, sizeof(object), "%ss", kind);
	code = object_read(context, method, argv + first, object, &o);
	if (code != EXIT_OK)
		return code;
	object_note(context, stdout, o);
	if (context->json)
		output_json(context, stdout, o);
	else if ((r = render(stdout, o, first == argc)) < 0)
		return error_report(object, "cannot print vbusd's reply", NULL, NULL, r);
	return EXIT_OK;
}

static int compare_names(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a, *y = *(struct json_object *const *)b;
	struct json_object *name_x = NULL, *name_y = NULL;
	const char *text_x, *text_y;

	json_object_object_get_ex(x, "name", &name_x);
	json_object_object_get_ex(y, "name", &name_y);
	text_x = json_object_get_string(name_x);
	text_y = json_object_get_string(name_y);
	return strcmp(text_x ? text_x : "", text_y ? text_y : "");
}

void object_sort(struct json_object *array)
{
	if (json_object_is_type(array, json_type_array))
		json_object_array_sort(array, compare_names);
}

int object_render(FILE *out, struct json_object *reply, const char *member, bool listing,
		  const char *const *headers, const char *const *keys, size_t columns,
		  const char *const *fields, size_t field_count)
{
	_cleanup_(table_freep) struct table *table = NULL;
	struct json_object *array, *item;
	size_t i, count;
	int r;

	if (!json_object_object_get_ex(reply, member, &array) ||
	    !json_object_is_type(array, json_type_array))
		return -EBADMSG;
	if (listing)
		object_sort(array);
	count = json_object_array_length(array);
	if (!listing) {
		for (i = 0; i < count; i++) {
			if (i)
				fputc('\n', out);
			output_fields(out, json_object_array_get_idx(array, i), fields, NULL,
				      field_count);
		}
		return 0;
	}
	table = table_new(headers, columns);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		item = json_object_array_get_idx(array, i);
		r = table_add_object(table, keys, item);
		if (r < 0)
			return r;
	}
	table_print(table, out);
	return 0;
}
