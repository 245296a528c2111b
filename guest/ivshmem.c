// SPDX-License-Identifier: GPL-2.0
/*
 * vbus_ivshmem: the guest bridge for QEMU's ivshmem-doorbell device (PCI
 * 1af4:1110) whose shared memory is a vbus region: upstream QEMU and KVM,
 * no patch. BAR2 is the region (claimed only if it starts with "VBUS": any
 * other user's ivshmem device is left alone), MSI-X vector 0 the bus
 * interrupt, BAR0's Doorbell register the doorbells (include/uapi/linux/
 * vbus_ring.h, "The ivshmem connector"). QEMU drops an interrupt that comes
 * while MSI-X is not yet enabled, so the bus looks at its event queue once
 * more after the interrupt is set up.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "vbus_proxy.h"

#define VBUS_IVSHMEM_VENDOR	0x1af4
#define VBUS_IVSHMEM_DEVICE	0x1110

/* BAR0, ivshmem's registers (QEMU's docs/specs/ivshmem-spec.rst). */
#define IVSHMEM_REG_IVPOSITION	8	/* our peer id (read) */
#define IVSHMEM_REG_DOORBELL	12	/* peer << 16 | vector (write) */

struct vbus_ivshmem {
	struct pci_dev *pdev;
	void __iomem *regs;
	void *region;
	struct vbus_bridge bridge;
	int irq;
};

/* Doorbell vector d of the region, on the device's vectors. */
static u16 vbus_ivshmem_vector(u16 d)
{
	if (d < VBUS_IVSHMEM_VECTORS)
		return d;
	return 1 + (d - 1) % (VBUS_IVSHMEM_VECTORS - 1);
}

static void vbus_ivshmem_kick(struct vbus_bridge *bridge, u16 vector)
{
	struct vbus_ivshmem *ivs = container_of(bridge, struct vbus_ivshmem, bridge);

	iowrite32(VBUS_IVSHMEM_HOST_PEER << 16 | vbus_ivshmem_vector(vector),
		  ivs->regs + IVSHMEM_REG_DOORBELL);
}

static const struct vbus_bridge_ops vbus_ivshmem_ops = {
	.kick = vbus_ivshmem_kick,
};

static irqreturn_t vbus_ivshmem_interrupt(int irq, void *data)
{
	struct vbus_ivshmem *ivs = data;

	vbus_proxy_interrupt(&ivs->bridge);
	return IRQ_HANDLED;
}

/* The region's first bytes: a vbus region or someone else's memory. */
static bool vbus_ivshmem_is_vbus(struct pci_dev *pdev, resource_size_t size)
{
	void __iomem *head;
	u32 magic;

	if (size < sizeof(struct vbus_region_header))
		return false;
	head = pci_iomap_range(pdev, 2, 0, sizeof(u32));
	if (!head)
		return false;
	magic = ioread32(head);
	pci_iounmap(pdev, head);
	return magic == VBUS_REGION_MAGIC;
}

static int vbus_ivshmem_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	resource_size_t start = pci_resource_start(pdev, 2);
	resource_size_t size = pci_resource_len(pdev, 2);
	struct vbus_ivshmem *ivs;
	int err;

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	if (!size || !(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) ||
	    !vbus_ivshmem_is_vbus(pdev, size)) {
		dev_info(&pdev->dev, "ivshmem memory is not a vbus region (no VBUS magic): left alone\n");
		return -ENODEV;
	}
	if (size > U32_MAX) {
		dev_err(&pdev->dev, "a %pa-byte region is above vbus's limit\n", &size);
		return -EINVAL;
	}
	ivs = devm_kzalloc(&pdev->dev, sizeof(*ivs), GFP_KERNEL);
	if (!ivs)
		return -ENOMEM;
	ivs->pdev = pdev;
	err = pcim_iomap_regions(pdev, BIT(0), "vbus_ivshmem");
	if (err)
		return err;
	ivs->regs = pcim_iomap_table(pdev)[0];
	if (!devm_request_mem_region(&pdev->dev, start, size, "vbus_ivshmem region"))
		return -EBUSY;
	/* Shared RAM, not registers: cached, as the host maps it. */
	ivs->region = devm_memremap(&pdev->dev, start, size, MEMREMAP_WB);
	if (IS_ERR(ivs->region))
		return PTR_ERR(ivs->region);

	err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (err < 0) {
		dev_err(&pdev->dev, "no MSI-X vector (the device needs vectors=%d): %d\n",
			VBUS_IVSHMEM_VECTORS, err);
		return err;
	}
	ivs->irq = pci_irq_vector(pdev, 0);
	ivs->bridge.parent = &pdev->dev;
	ivs->bridge.region = ivs->region;
	ivs->bridge.size = size;
	ivs->bridge.ops = &vbus_ivshmem_ops;
	err = request_irq(ivs->irq, vbus_ivshmem_interrupt, 0, "vbus_ivshmem", ivs);
	if (err)
		goto err_vectors;
	pci_set_master(pdev);
	pci_set_drvdata(pdev, ivs);
	dev_info(&pdev->dev, "vbus region of %pa bytes, peer %u\n", &size,
		 ioread32(ivs->regs + IVSHMEM_REG_IVPOSITION));
	err = vbus_proxy_add(&ivs->bridge);
	if (err)
		goto err_irq;
	/* An event posted before MSI-X was on raised nothing: look again. */
	vbus_proxy_interrupt(&ivs->bridge);
	return 0;

err_irq:
	free_irq(ivs->irq, ivs);
err_vectors:
	pci_free_irq_vectors(pdev);
	return err;
}

/* The bus first (drivers stop touching the region), then the interrupt. */
static void vbus_ivshmem_remove(struct pci_dev *pdev)
{
	struct vbus_ivshmem *ivs = pci_get_drvdata(pdev);

	vbus_proxy_remove(&ivs->bridge);
	free_irq(ivs->irq, ivs);
	pci_free_irq_vectors(pdev);
}

static const struct pci_device_id vbus_ivshmem_ids[] = {
	{ PCI_DEVICE(VBUS_IVSHMEM_VENDOR, VBUS_IVSHMEM_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vbus_ivshmem_ids);

static struct pci_driver vbus_ivshmem_driver = {
	.name = "vbus_ivshmem",
	.id_table = vbus_ivshmem_ids,
	.probe = vbus_ivshmem_probe,
	.remove = vbus_ivshmem_remove,
};
module_pci_driver(vbus_ivshmem_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vbus paravirtual I/O fabric: guest bridge for QEMU's ivshmem-doorbell");
MODULE_VERSION(VBUS_VERSION);
