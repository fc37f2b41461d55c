/* mux.h: decoder for Docker's multiplexed stream, the framing that attach,
 * logs and exec use when the container has no TTY. Pure byte shuffling, no
 * I/O, so the log viewer and the exec session share it and tests can feed it
 * arbitrary splits. */
#ifndef BINNACLE_DOCKER_MUX_H
#define BINNACLE_DOCKER_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stream numbers found in a frame header. */
enum {
	MUX_STDIN = 0,
	MUX_STDOUT = 1,
	MUX_STDERR = 2,
	MUX_SYSTEMERR = 3, /* in-band daemon error: report it, do not print it as output */
};

struct mux_decoder {
	unsigned char hdr[8]; /* header bytes collected so far */
	size_t hdr_have;
	uint32_t left;        /* payload bytes still owed by the current frame */
	int stream;           /* stream of the current frame */
	bool broken;          /* a header was malformed: passing bytes through raw */
};

void mux_init(struct mux_decoder *m);

/* data is borrowed: it points into the caller's buffer and is valid only
 * during the call. len is never 0. stream is the header's byte as sent
 * (0 stdin, which Docker writes on stdout, 1 stdout, 2 stderr, 3 systemerr). */
typedef void (*mux_emit_fn)(void *arg, int stream, const char *data, size_t len);

/* Feeds raw bytes from the engine and emits each payload piece as it arrives:
 * a frame's payload may be emitted in several pieces (as it trickles in, never
 * buffered), but one emit never spans two frames. A header split across
 * feeds, SIZE 0 (nothing emitted) and payloads over 64 KiB all work.
 *
 * Returns 0, or -1 from the feed in which a malformed header (stream byte > 3
 * or non-zero padding) shows up. The engine was not multiplexing after all
 * (a TTY container, or framing guessed wrong), so rather than lose output the
 * decoder sets m->broken and from then on emits every byte raw as stream 1:
 * first the header bytes it was holding, then the rest of that feed, then all
 * later feeds (which return 0). Only mux_init leaves that mode. */
int mux_feed(struct mux_decoder *m, const char *data, size_t len, mux_emit_fn emit, void *arg);

#endif
