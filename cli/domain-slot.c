/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The choice of a PCI slot for a bus's <shmem>, on a domain's XML with
 * libxml2's XPath. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "domain-slot.h"

static xmlDoc *document_read(const char *xml, char *error, size_t size)
{
	xmlDoc *document = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
					 XML_PARSE_NONET | XML_PARSE_NOERROR |
					 XML_PARSE_NOWARNING);

	if (!document || !xmlDocGetRootElement(document) ||
	    strcmp((const char *)xmlDocGetRootElement(document)->name, "domain")) {
		snprintf(error, size, "the domain's XML is not a libvirt <domain>");
		xmlFreeDoc(document);
		return NULL;
	}
	return document;
}

/* The nodes of EXPRESSION; NULL for none. */
static xmlXPathObject *select_nodes(xmlXPathContext *context, const char *expression)
{
	xmlXPathObject *result = xmlXPathEvalExpression((const xmlChar *)expression, context);

	if (result && (!result->nodesetval || !result->nodesetval->nodeNr)) {
		xmlXPathFreeObject(result);
		return NULL;
	}
	return result;
}

/* An attribute that is a number ("0x02", "2"); -1 when absent or not one. */
static long number_attribute(xmlNode *node, const char *name)
{
	xmlChar *text = xmlGetProp(node, (const xmlChar *)name);
	char *end;
	long value = -1;

	if (text && *text) {
		value = strtol((const char *)text, &end, 0);
		if (*end || value < 0)
			value = -1;
	}
	xmlFree(text);
	return value;
}

/* The first free slot of bridge BUS, or -1: the slots the PCI addresses of
 * the domain's devices take on it are used. */
static int free_slot(xmlXPathContext *context, long bus)
{
	bool used[DOMAIN_SLOT_LAST + 1] = { false };
	xmlXPathObject *addresses;
	int i, slot;

	addresses = select_nodes(context, "/domain/devices/*/address[@type='pci']");
	for (i = 0; addresses && i < addresses->nodesetval->nodeNr; i++) {
		xmlNode *address = addresses->nodesetval->nodeTab[i];

		slot = (int)number_attribute(address, "slot");
		if (number_attribute(address, "bus") == bus && slot >= 0 &&
		    slot <= DOMAIN_SLOT_LAST)
			used[slot] = true;
	}
	xmlXPathFreeObject(addresses);
	for (slot = DOMAIN_SLOT_FIRST; slot <= DOMAIN_SLOT_LAST; slot++)
		if (!used[slot])
			return slot;
	return -1;
}

/* A free slot on a bridge of MODEL, into SLOT; false when none has one. */
static bool bridge_slot(xmlXPathContext *context, const char *model, struct domain_slot *slot)
{
	char expression[128];
	xmlXPathObject *bridges;
	bool found = false;
	int i, free;

	snprintf(expression, sizeof(expression),
		 "/domain/devices/controller[@type='pci'][@model='%s']", model);
	bridges = select_nodes(context, expression);
	for (i = 0; bridges && !found && i < bridges->nodesetval->nodeNr; i++) {
		long index = number_attribute(bridges->nodesetval->nodeTab[i], "index");

		free = index >= 0 ? free_slot(context, index) : -1;
		if (free >= 0) {
			slot->bus = (unsigned int)index;
			slot->slot = (unsigned int)free;
			found = true;
		}
	}
	xmlXPathFreeObject(bridges);
	return found;
}

/* The index a new PCI controller gets: one above the highest. */
static unsigned int next_index(xmlXPathContext *context)
{
	xmlXPathObject *controllers;
	long index, highest = 0;
	int i;

	controllers = select_nodes(context, "/domain/devices/controller[@type='pci']");
	for (i = 0; controllers && i < controllers->nodesetval->nodeNr; i++) {
		index = number_attribute(controllers->nodesetval->nodeTab[i], "index");
		if (index > highest)
			highest = index;
	}
	xmlXPathFreeObject(controllers);
	return (unsigned int)highest + 1;
}

static bool has(xmlXPathContext *context, const char *expression)
{
	xmlXPathObject *result = select_nodes(context, expression);

	xmlXPathFreeObject(result);
	return result != NULL;
}

int domain_slot_choose(const char *xml, struct domain_slot *slot, char *error, size_t size)
{
	xmlDoc *document = document_read(xml, error, size);
	xmlXPathContext *context;
	int r = 0;

	memset(slot, 0, sizeof(*slot));
	if (!document)
		return -EINVAL;
	context = xmlXPathNewContext(document);
	if (!context) {
		xmlFreeDoc(document);
		return -ENOMEM;
	}
	if (has(context, "/domain/devices/controller[@type='pci'][@model='pcie-root']")) {
		if (bridge_slot(context, "pcie-to-pci-bridge", slot) ||
		    bridge_slot(context, "pci-bridge", slot)) {
			slot->kind = DOMAIN_SLOT_BRIDGE;
		} else {
			slot->kind = DOMAIN_SLOT_NEW_BRIDGE;
			slot->bus = next_index(context);
			slot->slot = DOMAIN_SLOT_FIRST;
		}
	} else if (has(context, "/domain/devices/controller[@type='pci'][@model='pci-root']")) {
		slot->kind = DOMAIN_SLOT_ROOT;
	} else {
		snprintf(error, size, "the domain has no PCI root (neither pci-root nor pcie-root "
			 "controller): ivshmem-doorbell is a PCI device");
		r = -EINVAL;
	}
	xmlXPathFreeContext(context);
	xmlFreeDoc(document);
	return r;
}

static int node_write(xmlDoc *document, xmlNode *node, char **out)
{
	xmlBuffer *buffer = xmlBufferCreate();
	int r = 0;

	if (!buffer)
		return -ENOMEM;
	if (xmlNodeDump(buffer, document, node, 0, 0) < 0)
		r = -ENOMEM;
	else if (!(*out = strdup((const char *)xmlBufferContent(buffer))))
		r = -ENOMEM;
	xmlBufferFree(buffer);
	return r;
}

int domain_slot_bridge_xml(unsigned int index, char **out)
{
	char xml[128];

	/* with QEMU's model name: libvirt validates a controller attached to a
	 * definition before it fills that in */
	snprintf(xml, sizeof(xml), "<controller type='pci' index='%u' model='pcie-to-pci-bridge'>"
		 "<model name='pcie-pci-bridge'/></controller>", index);
	*out = strdup(xml);
	return *out ? 0 : -ENOMEM;
}

int domain_slot_find_shmem(const char *xml, const char *bus, char **out)
{
	char error[128];
	xmlDoc *document = document_read(xml, error, sizeof(error));
	xmlNode *devices, *node;
	int r = 0;

	*out = NULL;
	if (!document)
		return -EINVAL;
	for (devices = xmlDocGetRootElement(document)->children; devices; devices = devices->next)
		if (devices->type == XML_ELEMENT_NODE &&
		    !strcmp((const char *)devices->name, "devices"))
			break;
	for (node = devices ? devices->children : NULL; node && !r && !*out; node = node->next) {
		xmlChar *name;

		if (node->type != XML_ELEMENT_NODE || strcmp((const char *)node->name, "shmem"))
			continue;
		name = xmlGetProp(node, (const xmlChar *)"name");
		if (name && !strcmp((const char *)name, bus))
			r = node_write(document, node, out);
		xmlFree(name);
	}
	xmlFreeDoc(document);
	return r;
}
