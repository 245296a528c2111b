/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Edits of the vbus element of a domain's <metadata> and the bus's
 * ivshmem-doorbell <shmem>, on libxml2 trees. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "domain-edit.h"
#include "domain-metadata.h"
#include "libvbus.h"

/* The keys attach takes: the device attributes of the schema but its name. */
static bool key_known(const char *key)
{
	return strcmp(key, "name") && domain_vbus_device_attribute(key);
}

void domain_edit_keys(char *text, size_t size)
{
	size_t i, used = 0;

	text[0] = '\0';
	for (i = 0; i < domain_vbus_device_attribute_count; i++) {
		const char *name = domain_vbus_device_attributes[i].name;

		if (key_known(name) && used < size)
			used += snprintf(text + used, size - used, "%s%s", used ? ", " : "", name);
	}
}

static bool is_element(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && !strcmp((const char *)node->name, name) &&
	       (!node->ns || !node->ns->href ||
		!strcmp((const char *)node->ns->href, DOMAIN_VBUS_NAMESPACE));
}

/* METADATA read into a tree without namespaces (virDomainSetMetadata adds
 * its own), or a new <bus name=BUS>. */
static int bus_read(const char *metadata, const char *bus, xmlDoc **document, char *error,
		    size_t size)
{
	xmlNode *root, *node;

	if (!metadata || !*metadata) {
		*document = xmlNewDoc((const xmlChar *)"1.0");
		root = xmlNewNode(NULL, (const xmlChar *)"bus");
		xmlNewProp(root, (const xmlChar *)"name", (const xmlChar *)bus);
		xmlDocSetRootElement(*document, root);
		return 0;
	}
	*document = xmlReadMemory(metadata, (int)strlen(metadata), "metadata.xml", NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				  XML_PARSE_NOBLANKS);
	root = *document ? xmlDocGetRootElement(*document) : NULL;
	if (!root || !is_element(root, "bus")) {
		snprintf(error, size, "the domain's vbus metadata is not a <bus> element");
		xmlFreeDoc(*document);
		*document = NULL;
		return -EINVAL;
	}
	for (node = root; node; node = node == root ? root->children : node->next)
		node->ns = NULL;
	xmlFreeNsList(root->nsDef);
	root->nsDef = NULL;
	return 0;
}

static xmlNode *device_find(xmlNode *root, const char *device)
{
	xmlNode *node;

	for (node = root->children; node; node = node->next) {
		xmlChar *name;
		bool match;

		if (!is_element(node, "device"))
			continue;
		name = xmlGetProp(node, (const xmlChar *)"name");
		match = name && !strcmp((const char *)name, device);
		xmlFree(name);
		if (match)
			return node;
	}
	return NULL;
}

static size_t device_count(const xmlNode *root)
{
	const xmlNode *node;
	size_t count = 0;

	for (node = root->children; node; node = node->next)
		count += is_element(node, "device");
	return count;
}

static int bus_write(xmlDoc *document, char **out)
{
	xmlBuffer *buffer = xmlBufferCreate();
	int r = 0;

	if (!buffer)
		return -ENOMEM;
	if (xmlNodeDump(buffer, document, xmlDocGetRootElement(document), 0, 0) < 0)
		r = -ENOMEM;
	else if (!(*out = strdup((const char *)xmlBufferContent(buffer))))
		r = -ENOMEM;
	xmlBufferFree(buffer);
	return r;
}

int domain_edit_attach(const char *metadata, const char *bus, const char *device,
		       const char *const *keys, const char *const *values, size_t count, char **out,
		       bool *first, char *error, size_t size)
{
	xmlDoc *document;
	xmlNode *root, *node;
	char known[160];
	size_t i;
	int r;

	*out = NULL;
	for (i = 0; i < count; i++)
		if (!key_known(keys[i])) {
			domain_edit_keys(known, sizeof(known));
			snprintf(error, size,
				 "%s: unknown device attribute '%s' (expected one of %s)", device,
				 keys[i], known);
			return -EINVAL;
		}
	r = bus_read(metadata, bus, &document, error, size);
	if (r < 0)
		return r;
	root = xmlDocGetRootElement(document);
	if (device_find(root, device)) {
		snprintf(error, size, "device %s is already in the domain's vbus metadata", device);
		xmlFreeDoc(document);
		return -EEXIST;
	}
	*first = device_count(root) == 0;
	node = xmlNewChild(root, NULL, (const xmlChar *)"device", NULL);
	xmlNewProp(node, (const xmlChar *)"name", (const xmlChar *)device);
	for (i = 0; i < count; i++)
		xmlSetProp(node, (const xmlChar *)keys[i], (const xmlChar *)values[i]);
	r = bus_write(document, out);
	xmlFreeDoc(document);
	return r;
}

int domain_edit_region_size(char **metadata, uint32_t bytes, bool may_change, char *error,
			    size_t size)
{
	char text[16], *out = NULL;
	unsigned long long now = VBUS_REGION_SIZE_DEFAULT;
	xmlDoc *document;
	xmlNode *root;
	xmlChar *old;
	int r;

	r = bus_read(*metadata, "", &document, error, size);
	if (r < 0)
		return r;
	root = xmlDocGetRootElement(document);
	old = xmlGetProp(root, (const xmlChar *)"region_size");
	if (old)
		now = strtoull((const char *)old, NULL, 10);
	xmlFree(old);
	if (now != bytes && !may_change) {
		xmlChar *bus = xmlGetProp(root, (const xmlChar *)"name");

		snprintf(error, size, "bus %s's region is %llu bytes and cannot change size while "
			 "the domain runs (the definition can: --config, from its next start)",
			 bus ? (const char *)bus : "?", now);
		xmlFree(bus);
		xmlFreeDoc(document);
		return -EBUSY;
	}
	snprintf(text, sizeof(text), "%u", bytes);
	xmlSetProp(root, (const xmlChar *)"region_size", (const xmlChar *)text);
	r = bus_write(document, &out);
	xmlFreeDoc(document);
	if (r < 0)
		return r;
	free(*metadata);
	*metadata = out;
	return 0;
}

int domain_edit_detach(const char *metadata, const char *device, char **out, bool *last,
		       char *error, size_t size)
{
	xmlDoc *document;
	xmlNode *root, *node;
	int r;

	*out = NULL;
	if (!metadata || !*metadata) {
		snprintf(error, size, "device %s: the domain has no vbus metadata", device);
		return -ENOENT;
	}
	r = bus_read(metadata, "", &document, error, size);
	if (r < 0)
		return r;
	root = xmlDocGetRootElement(document);
	node = device_find(root, device);
	if (!node) {
		snprintf(error, size, "device %s is not in the domain's vbus metadata", device);
		xmlFreeDoc(document);
		return -ENOENT;
	}
	xmlUnlinkNode(node);
	xmlFreeNode(node);
	*last = device_count(root) == 0;
	r = bus_write(document, out);
	xmlFreeDoc(document);
	return r;
}

int domain_edit_shmem(const char *bus, unsigned int vectors, int pci_bus, int pci_slot,
		      char **out)
{
	xmlDoc *document = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *shmem, *node;
	char text[128];
	int r;

	shmem = xmlNewNode(NULL, (const xmlChar *)"shmem");
	xmlDocSetRootElement(document, shmem);
	xmlNewProp(shmem, (const xmlChar *)"name", (const xmlChar *)bus);
	node = xmlNewChild(shmem, NULL, (const xmlChar *)"model", NULL);
	xmlNewProp(node, (const xmlChar *)"type", (const xmlChar *)"ivshmem-doorbell");
	node = xmlNewChild(shmem, NULL, (const xmlChar *)"server", NULL);
	snprintf(text, sizeof(text), "/run/vbus/bus/%s.sock", bus);
	xmlNewProp(node, (const xmlChar *)"path", (const xmlChar *)text);
	node = xmlNewChild(shmem, NULL, (const xmlChar *)"msi", NULL);
	snprintf(text, sizeof(text), "%u", vectors);
	xmlNewProp(node, (const xmlChar *)"vectors", (const xmlChar *)text);
	xmlNewProp(node, (const xmlChar *)"ioeventfd", (const xmlChar *)"on");
	if (pci_bus >= 0) {
		node = xmlNewChild(shmem, NULL, (const xmlChar *)"address", NULL);
		xmlNewProp(node, (const xmlChar *)"type", (const xmlChar *)"pci");
		xmlNewProp(node, (const xmlChar *)"domain", (const xmlChar *)"0x0000");
		snprintf(text, sizeof(text), "0x%02x", (unsigned int)pci_bus);
		xmlNewProp(node, (const xmlChar *)"bus", (const xmlChar *)text);
		snprintf(text, sizeof(text), "0x%02x", (unsigned int)pci_slot);
		xmlNewProp(node, (const xmlChar *)"slot", (const xmlChar *)text);
		xmlNewProp(node, (const xmlChar *)"function", (const xmlChar *)"0x0");
	}
	r = bus_write(document, out);
	xmlFreeDoc(document);
	return r;
}
