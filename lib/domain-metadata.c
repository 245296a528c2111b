/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vbus element of a libvirt domain's <metadata>, read with libxml2 into
 * the fabric file of the domain's bus and its devices. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "domain-metadata.h"
#include "macro.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct domain_vbus_attribute domain_vbus_device_attributes[] = {
	{ "name", false }, { "type", false }, { "mac", false }, { "mtu", true },
	{ "zcthresh", true }, { "wmem", true }, { "txqlen", true }, { "ifname", false },
	{ "bridge", false }, { "persistent", false },
};
const size_t domain_vbus_device_attribute_count = ARRAY_SIZE(domain_vbus_device_attributes);

const struct domain_vbus_attribute *domain_vbus_device_attribute(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(domain_vbus_device_attributes); i++)
		if (!strcmp(name, domain_vbus_device_attributes[i].name))
			return &domain_vbus_device_attributes[i];
	return NULL;
}

static bool is_vbus(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
	       !strcmp((const char *)node->ns->href, DOMAIN_VBUS_NAMESPACE) &&
	       !strcmp((const char *)node->name, name);
}

static bool is_plain(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && !node->ns &&
	       !strcmp((const char *)node->name, name);
}

static const xmlNode *child(const xmlNode *parent, const char *name)
{
	const xmlNode *node;

	for (node = parent->children; node; node = node->next)
		if (is_plain(node, name))
			return node;
	return NULL;
}

static void copy_content(const xmlNode *node, char *text, size_t size)
{
	xmlChar *content = node ? xmlNodeGetContent(node) : NULL;

	snprintf(text, size, "%s", content ? (const char *)content : "");
	xmlFree(content);
}

/* An attribute's value as JSON: a number when it is one, else the text, so
 * that the fabric checks name what is wrong. */
static struct json_object *value_json(const char *text, bool number)
{
	char *end;
	long long value;

	if (number && *text) {
		errno = 0;
		value = strtoll(text, &end, 10);
		if (!*end && !errno)
			return json_object_new_int64(value);
	}
	return json_object_new_string(text);
}

static int device_parse(const xmlNode *node, struct domain_vbus *vbus, struct json_object *devices,
			char *error, size_t size)
{
	struct domain_vbus_device *device = &vbus->devices[vbus->device_count];
	struct json_object *object = json_object_new_object();
	const struct domain_vbus_attribute *known;
	const xmlAttr *attribute;

	json_object_object_add(object, "type", json_object_new_string("venet"));
	for (attribute = node->properties; attribute; attribute = attribute->next) {
		const char *name = (const char *)attribute->name;
		xmlChar *text = xmlNodeGetContent((const xmlNode *)attribute);

		known = domain_vbus_device_attribute(name);
		if (!known || attribute->ns) {
			snprintf(error, size, "device %zu: unknown attribute '%s'",
				 vbus->device_count + 1, name);
			xmlFree(text);
			json_object_put(object);
			return -EINVAL;
		}
		if (!strcmp(name, "persistent"))
			device->persistent = text && !strcmp((const char *)text, "yes");
		else
			json_object_object_add(object, name,
					       value_json(text ? (const char *)text : "",
							  known->number));
		if (!strcmp(name, "name"))
			snprintf(device->name, sizeof(device->name), "%s", (const char *)text);
		xmlFree(text);
	}
	if (!device->name[0]) {
		snprintf(error, size, "device %zu: no name", vbus->device_count + 1);
		json_object_put(object);
		return -EINVAL;
	}
	json_object_object_add(object, "bus", json_object_new_string(vbus->bus));
	json_object_array_add(devices, object);
	vbus->device_count++;
	return 0;
}

/* NODE: the vbus <bus>, in the vbus namespace (a domain's XML), or PLAIN,
 * without one (virDomainGetMetadata's element: libvirt strips it). */
static int bus_parse(const xmlNode *node, bool plain, struct domain_vbus *vbus, char *error,
		     size_t size)
{
	struct json_object *bus, *buses, *devices;
	const xmlAttr *attribute;
	const xmlNode *item;
	size_t count = 0;
	int r;

	for (attribute = node->properties; attribute; attribute = attribute->next)
		if (strcmp((const char *)attribute->name, "name") &&
		    strcmp((const char *)attribute->name, "region_size")) {
			snprintf(error, size, "bus: unknown attribute '%s'", attribute->name);
			return -EINVAL;
		}
	{
		xmlChar *name = xmlGetProp(node, (const xmlChar *)"name");

		snprintf(vbus->bus, sizeof(vbus->bus), "%s", name ? (const char *)name : "");
		xmlFree(name);
	}
	if (!vbus->bus[0]) {
		snprintf(error, size, "bus: no name");
		return -EINVAL;
	}
	for (item = node->children; item; item = item->next)
		if (item->type == XML_ELEMENT_NODE) {
			if (!is_vbus(item, "device") && !(plain && is_plain(item, "device"))) {
				snprintf(error, size, "bus %s: unexpected element <%s>", vbus->bus,
					 item->name);
				return -EINVAL;
			}
			count++;
		}
	vbus->devices = calloc(count ? count : 1, sizeof(*vbus->devices));
	if (!vbus->devices)
		return -ENOMEM;

	vbus->fabric = json_object_new_object();
	buses = json_object_new_array();
	devices = json_object_new_array();
	bus = json_object_new_object();
	json_object_object_add(vbus->fabric, "version", json_object_new_int(1));
	json_object_object_add(vbus->fabric, "buses", buses);
	json_object_object_add(vbus->fabric, "devices", devices);
	json_object_array_add(buses, bus);
	json_object_object_add(bus, "name", json_object_new_string(vbus->bus));
	json_object_object_add(bus, "connector", json_object_new_string("ivshmem"));
	{
		xmlChar *size_text = xmlGetProp(node, (const xmlChar *)"region_size");

		if (size_text)
			json_object_object_add(bus, "region_size",
					       value_json((const char *)size_text, true));
		xmlFree(size_text);
	}
	if (vbus->domain[0])
		json_object_object_add(bus, "domain", json_object_new_string(vbus->domain));
	if (vbus->uuid[0])
		json_object_object_add(bus, "uuid", json_object_new_string(vbus->uuid));
	for (item = node->children; item; item = item->next)
		if (item->type == XML_ELEMENT_NODE) {
			r = device_parse(item, vbus, devices, error, size);
			if (r < 0)
				return r;
		}
	vbus->present = true;
	return 0;
}

static int document_parse(const xmlNode *root, struct domain_vbus *vbus, char *error, size_t size)
{
	const xmlNode *metadata, *node, *found = NULL;

	if (is_vbus(root, "bus") || is_plain(root, "bus"))
		return bus_parse(root, is_plain(root, "bus"), vbus, error, size);
	if (!is_plain(root, "domain")) {
		snprintf(error, size, "neither a libvirt domain nor a vbus element: <%s>", root->name);
		return -EINVAL;
	}
	copy_content(child(root, "name"), vbus->domain, sizeof(vbus->domain));
	copy_content(child(root, "uuid"), vbus->uuid, sizeof(vbus->uuid));
	metadata = child(root, "metadata");
	for (node = metadata ? metadata->children : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
		    !strcmp((const char *)node->ns->href, DOMAIN_VBUS_NAMESPACE)) {
			if (found || !is_vbus(node, "bus")) {
				snprintf(error, size, "metadata: one <bus> element in %s expected",
					 DOMAIN_VBUS_NAMESPACE);
				return -EINVAL;
			}
			found = node;
		}
	return found ? bus_parse(found, false, vbus, error, size) : 0;
}

int domain_vbus_parse(const char *xml, size_t length, struct domain_vbus *vbus, char *error,
		      size_t size)
{
	xmlDoc *document;
	int r;

	memset(vbus, 0, sizeof(*vbus));
	if (size)
		error[0] = '\0';
	document = xmlReadMemory(xml, (int)length, "domain.xml", NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!document || !xmlDocGetRootElement(document)) {
		const xmlError *last = xmlGetLastError();

		snprintf(error, size, "not XML%s%s", last && last->message ? ": " : "",
			 last && last->message ? last->message : "");
		/* libxml2's messages end with a newline */
		error[strcspn(error, "\n")] = '\0';
		xmlFreeDoc(document);
		return -EINVAL;
	}
	r = document_parse(xmlDocGetRootElement(document), vbus, error, size);
	xmlFreeDoc(document);
	if (r < 0)
		domain_vbus_clear(vbus);
	return r;
}

void domain_vbus_clear(struct domain_vbus *vbus)
{
	free(vbus->devices);
	vbus->devices = NULL;
	vbus->device_count = 0;
	json_object_put(vbus->fabric);
	vbus->fabric = NULL;
	vbus->present = false;
}

int domain_vbus_set_domain(struct domain_vbus *vbus, const char *name, const char *uuid)
{
	struct json_object *buses, *bus, *value;

	snprintf(vbus->domain, sizeof(vbus->domain), "%s", name);
	snprintf(vbus->uuid, sizeof(vbus->uuid), "%s", uuid);
	if (!vbus->fabric || !json_object_object_get_ex(vbus->fabric, "buses", &buses) ||
	    !(bus = json_object_array_get_idx(buses, 0)))
		return 0;
	value = json_object_new_string(vbus->domain);
	if (!value || json_object_object_add(bus, "domain", value) < 0)
		return -ENOMEM;
	value = json_object_new_string(vbus->uuid);
	if (!value || json_object_object_add(bus, "uuid", value) < 0)
		return -ENOMEM;
	return 0;
}
