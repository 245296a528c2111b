/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd: the vbus fabric daemon (vbusd(8)): options, the one-instance lock,
 * and the manager's run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "manager.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vbusd [OPTIONS]\n"
		"\n"
		"The vbus fabric daemon: keeps the kernel's buses and devices as the desired\n"
		"state says, and serves org.vbus.Manager1 on D-Bus.\n"
		"\n"
		"      --state-dir DIR       persisted state and lock (default /var/lib/vbus)\n"
		"      --config-dir DIR      fabric files (default /etc/vbus/fabric.d)\n"
		"      --private-socket PATH the private D-Bus socket (default /run/vbus/private)\n"
		"      --drift=restore|report  what to do when others remove managed objects\n"
		"                            (default restore)\n"
		"      --no-system-bus       serve only the private socket\n"
		"      --libvirt-uri=URI     the libvirtd to follow\n"
		"                            (default " LIBVIRT_CONNECTION_DEFAULT_URI ")\n"
		"      --no-libvirt          do not connect to libvirtd\n"
		"  -h, --help                this text\n"
		"      --version             the version\n");
}

enum {
	OPTION_STATE_DIR = 0x100,
	OPTION_CONFIG_DIR,
	OPTION_PRIVATE_SOCKET,
	OPTION_DRIFT,
	OPTION_NO_SYSTEM_BUS,
	OPTION_LIBVIRT_URI,
	OPTION_NO_LIBVIRT,
	OPTION_VERSION,
};

/* 0 to run, 1 to exit successfully (help, version), negative on error. */
static int parse_options(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {
		{ "state-dir", required_argument, NULL, OPTION_STATE_DIR },
		{ "config-dir", required_argument, NULL, OPTION_CONFIG_DIR },
		{ "private-socket", required_argument, NULL, OPTION_PRIVATE_SOCKET },
		{ "drift", required_argument, NULL, OPTION_DRIFT },
		{ "no-system-bus", no_argument, NULL, OPTION_NO_SYSTEM_BUS },
		{ "libvirt-uri", required_argument, NULL, OPTION_LIBVIRT_URI },
		{ "no-libvirt", no_argument, NULL, OPTION_NO_LIBVIRT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPTION_VERSION },
		{}
	};
	int c;

	*options = (struct options){
		.state_dir = "/var/lib/vbus",
		.config_dir = "/etc/vbus/fabric.d",
		.private_socket = "/run/vbus/private",
		.drift = DRIFT_RESTORE,
		.system_bus = true,
		.libvirt_uri = LIBVIRT_CONNECTION_DEFAULT_URI,
	};
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) >= 0) {
		switch (c) {
		case OPTION_STATE_DIR:
			options->state_dir = optarg;
			break;
		case OPTION_CONFIG_DIR:
			options->config_dir = optarg;
			break;
		case OPTION_PRIVATE_SOCKET:
			options->private_socket = optarg;
			break;
		case OPTION_DRIFT:
			if (!strcmp(optarg, "restore"))
				options->drift = DRIFT_RESTORE;
			else if (!strcmp(optarg, "report"))
				options->drift = DRIFT_REPORT;
			else {
				fprintf(stderr, "vbusd: --drift=%s: unknown policy (expected restore or report)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPTION_NO_SYSTEM_BUS:
			options->system_bus = false;
			break;
		case OPTION_LIBVIRT_URI:
			if (!optarg[0]) {
				fprintf(stderr, "vbusd: --libvirt-uri: empty (use --no-libvirt for none)\n");
				return -EINVAL;
			}
			options->libvirt_uri = optarg;
			break;
		case OPTION_NO_LIBVIRT:
			options->libvirt_uri = NULL;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case OPTION_VERSION:
			printf("vbusd %s\n", PACKAGE_VERSION);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vbusd: %s: unexpected argument\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Holds STATE_DIR/lock for the life of the process: one vbusd per state. */
static int take_lock(const char *state_dir)
{
	char path[4096], pid[32] = "";
	ssize_t n;
	int fd;

	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "%s: cannot create the state directory: %m", state_dir);
	snprintf(path, sizeof(path), "%s/lock", state_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return log_error_errno(-errno, "%s: cannot open the lock: %m", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int error = -errno;

		n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (error == -EWOULDBLOCK)
			return log_error_errno(-EBUSY, "%s: another vbusd runs (pid %s) with this state directory; stop it first",
					 path, pid[0] ? pid : "unknown");
		return log_error_errno(error, "%s: cannot lock: %m", path);
	}
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%d\n", (int)getpid());
	return fd;
}

int main(int argc, char **argv)
{
	_cleanup_(manager_freep) struct manager *manager = NULL;
	struct options options;
	int r, lock;

	r = parse_options(argc, argv, &options);
	if (r != 0)
		return r > 0 ? 0 : 2;
	lock = take_lock(options.state_dir);
	if (lock < 0)
		return 1;
	r = manager_new(&options, &manager);
	if (r < 0) {
		log_error_errno(r, "cannot start: %m");
		return 1;
	}
	r = manager_run(manager);
	return r < 0 ? 1 : 0;
}
