/* SPDX-License-Identifier: GPL-2.0-or-later */
/* getopt_long for vbusctl and each verb; the global output options are
 * accepted on both sides of the verb ("vbusctl status -j"). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

enum {
	OPTION_PRETTY = 0x100,
	OPTION_ADDRESS,
	OPTION_SYSTEM,
	OPTION_TIMEOUT,
	OPTION_VERB_FIRST = 0x200,
};

static int parse_timeout(const char *text, uint64_t *usec)
{
	char *end;
	double seconds = strtod(text, &end);

	if (end == text || *end || !isfinite(seconds) || seconds <= 0 || seconds > 86400 * 365)
		return -1;
	*usec = (uint64_t)(seconds * 1e6);
	return 0;
}

int options_parse_global(struct context *context, void (*global_usage)(FILE *out), int argc,
			 char **argv, int *verb)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPTION_PRETTY },
		{ "address", required_argument, NULL, OPTION_ADDRESS },
		{ "system", no_argument, NULL, OPTION_SYSTEM },
		{ "timeout", required_argument, NULL, OPTION_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *address = getenv("VBUS_ADDRESS");
	int c;

	context->timeout_usec = OPTIONS_DEFAULT_TIMEOUT_USEC;
	context->address = address && *address ? address : NULL;
	optind = 0;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "+jhV", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			context->json = true;
			break;
		case OPTION_PRETTY:
			/* indented JSON: JSON, whether -j was given or not */
			context->pretty = true;
			context->json = true;
			break;
		case OPTION_ADDRESS:
			context->address = optarg;
			break;
		case OPTION_SYSTEM:
			context->system_bus = true;
			break;
		case OPTION_TIMEOUT:
			if (parse_timeout(optarg, &context->timeout_usec) < 0) {
				fprintf(stderr, "vbusctl: --timeout %s: not a number of seconds > 0\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			global_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("vbusctl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			global_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		global_usage(stderr);
		return EXIT_USAGE;
	}
	*verb = optind;
	return -1;
}

int options_parse_verb(struct context *context, const char *usage,
		       const struct verb_option *verb_options, int argc, char **argv, int *first)
{
	struct option options[16] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPTION_PRETTY },
		{ "help", no_argument, NULL, 'h' },
	};
	char shorts[32] = "jh";
	size_t count = 3, i, length = 2;
	int c;

	for (i = 0; verb_options && verb_options[i].name && count < 15; i++, count++) {
		options[count].name = verb_options[i].name;
		/* FLAG and ARGUMENT both: an optional argument (--name[=VALUE]) */
		if (verb_options[i].flag && verb_options[i].argument)
			options[count].has_arg = optional_argument;
		else
			options[count].has_arg = verb_options[i].argument || verb_options[i].list ?
							 required_argument : no_argument;
		options[count].val = verb_options[i].short_name ? verb_options[i].short_name :
								  OPTION_VERB_FIRST + (int)i;
		if (verb_options[i].short_name && length + 3 < sizeof(shorts)) {
			shorts[length++] = verb_options[i].short_name;
			if (verb_options[i].argument || verb_options[i].list)
				shorts[length++] = ':';
			shorts[length] = '\0';
		}
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, options, NULL)) != -1) {
		if (c == 'j') {
			context->json = true;
			continue;
		}
		if (c == OPTION_PRETTY) {
			context->pretty = true;
			context->json = true;
			continue;
		}
		if (c == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		for (i = 0; verb_options && verb_options[i].name; i++)
			if (c == (verb_options[i].short_name ? verb_options[i].short_name :
							      OPTION_VERB_FIRST + (int)i))
				break;
		if (c == '?' || c == ':' || !verb_options || !verb_options[i].name) {
			if (optopt && optopt < 0x100)
				fprintf(stderr, "vbusctl: %s: unknown option or missing argument: -%c\n",
					argv[0], optopt);
			else
				fprintf(stderr, "vbusctl: %s: unknown option or missing argument: %s\n",
					argv[0], argv[optind - 1]);
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
		if (verb_options[i].list) {
			if (*verb_options[i].count == verb_options[i].capacity) {
				fprintf(stderr, "vbusctl: %s: --%s: at most %zu times\n", argv[0],
					verb_options[i].name, verb_options[i].capacity);
				return EXIT_USAGE;
			}
			verb_options[i].list[(*verb_options[i].count)++] = optarg;
		} else if (verb_options[i].argument) {
			*verb_options[i].argument = optarg;
			if (verb_options[i].flag)
				*verb_options[i].flag = true;
		} else {
			*verb_options[i].flag = true;
		}
	}
	*first = optind;
	return -1;
}

int options_operands(const char *verb, const char *usage, int count, int min, int max)
{
	if (count >= min && (max < 0 || count <= max))
		return -1;
	fprintf(stderr, "vbusctl: %s: %s\n", verb,
		count < min ? "missing arguments" : "too many arguments");
	fputs(usage, stderr);
	return EXIT_USAGE;
}
