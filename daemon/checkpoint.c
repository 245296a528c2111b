/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A pending checkpoint: its state on disk (written before the change it
 * guards, so that a crash cannot lose it) and a timer in the loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "log.h"
#include "state.h"

struct checkpoint {
	sd_event *event;
	char *path;
	struct fabric *state;		/* NULL: none pending */
	uint64_t deadline;		/* CLOCK_REALTIME, microseconds */
	sd_event_source *timer;
	void (*expired)(void *userdata);
	void *userdata;
};

int checkpoint_new(sd_event *event, const char *path, void (*expired)(void *userdata),
		   void *userdata, struct checkpoint **result)
{
	struct checkpoint *checkpoint = calloc(1, sizeof(*checkpoint));

	*result = NULL;
	if (!checkpoint)
		return -ENOMEM;
	checkpoint->path = strdup(path);
	if (!checkpoint->path) {
		free(checkpoint);
		return -ENOMEM;
	}
	checkpoint->event = sd_event_ref(event);
	checkpoint->expired = expired;
	checkpoint->userdata = userdata;
	*result = checkpoint;
	return 0;
}

void checkpoint_free(struct checkpoint *checkpoint)
{
	if (!checkpoint)
		return;
	sd_event_source_disable_unref(checkpoint->timer);
	fabric_free(checkpoint->state);
	sd_event_unref(checkpoint->event);
	free(checkpoint->path);
	free(checkpoint);
}

static int on_deadline(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct checkpoint *checkpoint = userdata;

	(void)source;
	(void)usec;
	checkpoint->expired(checkpoint->userdata);
	return 0;
}

int checkpoint_create(struct checkpoint *checkpoint, const struct fabric *state, uint32_t seconds)
{
	struct timespec now;
	int r;

	if (checkpoint->state)
		return -EBUSY;
	if (!seconds || seconds > CHECKPOINT_SECONDS_MAX)
		return -ERANGE;
	checkpoint->state = state_copy(state);
	if (!checkpoint->state)
		return -ENOMEM;
	r = state_write(checkpoint->path, checkpoint->state);
	if (r < 0)
		goto fail;
	clock_gettime(CLOCK_REALTIME, &now);
	checkpoint->deadline = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000 +
			       (uint64_t)seconds * 1000000;
	/* a monotonic timer: a clock step does not move the rollback */
	r = sd_event_add_time_relative(checkpoint->event, &checkpoint->timer, CLOCK_MONOTONIC,
				       (uint64_t)seconds * 1000000, 0, on_deadline, checkpoint);
	if (r >= 0)
		return 0;
	state_remove(checkpoint->path);
fail:
	fabric_free(checkpoint->state);
	checkpoint->state = NULL;
	return r;
}

const struct fabric *checkpoint_pending(const struct checkpoint *checkpoint, uint64_t *deadline)
{
	if (deadline)
		*deadline = checkpoint->deadline;
	return checkpoint->state;
}

void checkpoint_clear(struct checkpoint *checkpoint)
{
	int r;

	checkpoint->timer = sd_event_source_disable_unref(checkpoint->timer);
	fabric_free(checkpoint->state);
	checkpoint->state = NULL;
	checkpoint->deadline = 0;
	r = state_remove(checkpoint->path);
	if (r < 0 && r != -ENOENT)
		log_error_errno(r, "%s: cannot remove the checkpoint: %m", checkpoint->path);
}

int checkpoint_load_left(struct checkpoint *checkpoint, struct fabric **state)
{
	struct fabric_errors errors = { 0 };
	int r;

	*state = NULL;
	r = state_read(checkpoint->path, state, &errors);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		log_error_errno(r, "%s: an unreadable checkpoint, removed: %s", checkpoint->path,
				errors.count ? errors.lines[0] : "");
		fabric_errors_clear(&errors);
		state_remove(checkpoint->path);
		return r;
	}
	return 1;
}
