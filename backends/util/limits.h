/* limits.h: every cap on what a server, a stream or a helper process can
 * make binnacle hold, in one place, each with why it is that size. Sized
 * from what real servers send, with room to spare; going over one is one
 * sentence and a failed request (or a cut line), never a frozen screen or an
 * out-of-memory kill. The modules that enforce a cap name it from here. */
#ifndef BINNACLE_LIMITS_H
#define BINNACLE_LIMITS_H

/* One HTTP response body, counted after decompression (libcurl inflates
 * gzip, brotli and zstd before binnacle sees a byte, so a 16 MiB gzip bomb
 * stops here, not at 2 GB). The largest bodies binnacle asks for are list
 * pages: 500 Kubernetes objects of typically 4-20 KiB (100 KiB with a big
 * last-applied annotation) and an engine's containers (2-3 KiB each, 10,000
 * containers ~ 30 MiB). */
#define LIMIT_BODY (64u << 20)

/* One response's header block. curl itself refuses a single header line
 * over 100 KiB; real servers send a few KiB. */
#define LIMIT_HEADERS (256u << 10)

/* The body of a failed request on a streaming call (watch, events, logs):
 * an error Status or message is a few hundred bytes. */
#define LIMIT_ERROR_BODY (64u << 10)

/* One line of a Kubernetes watch stream: one object. etcd refuses objects
 * over 1.5 MiB, and their JSON is at most a few times that. */
#define LIMIT_WATCH_LINE (16u << 20)

/* Items in one list page: binnacle asks for 500; a server that ignores
 * limit= and sends more than ten times that is refused (skipping it would
 * freeze the screen decoding a million pods). */
#define LIMIT_PAGE_ITEMS 5000

/* Nesting of one JSON document or list item. Kubernetes objects are about
 * 20 levels deep with managedFields; json-c recurses per level when it
 * frees, so a 100,000-deep item is skipped, not parsed. */
#define LIMIT_JSON_DEPTH 64

/* One line of Docker's /events stream or of a pull's progress stream: an
 * event with all its labels is a few KiB. */
#define LIMIT_EVENT_LINE (1u << 20)

/* The log viewer: each line is cut at LOGRING_MAX_LINE (64 KiB, logring.h);
 * on top of the configured line count (log_lines, default 10,000), the
 * kept lines hold at most this many bytes, the oldest going first, so
 * 10,000 lines of 64 KiB cannot take 640 MB. */
#define LIMIT_LOG_BYTES (32u << 20)

/* A file binnacle reads whole: the configuration, a theme, a kubeconfig, a
 * certificate or token file it names. Real ones are a few KiB; a path that
 * names /dev/zero or a log file must not fill memory. */
#define LIMIT_FILE (16u << 20)

/* Also capped, next to the code they guard:
 * - WebSocket messages WS_MAX_MESSAGE (16 MiB) and handshake headers
 *   WS_MAX_HEADER (64 KiB), websocket.h;
 * - an exec session's output waiting for the terminal EXECSTREAM_OUT_CAP
 *   (1 MiB: reading pauses), execstream.h; input queued to send
 *   RAWCONN_SEND_CAP (1 MiB), rawconn.h;
 * - a helper process's stdout (1 MiB: then it is killed) and stderr (8 KiB),
 *   child.h, and a credential plugin's (the same), creds_exec.c;
 * - a YAML document's depth YAML_MAX_DEPTH (64), yamltree.h;
 * - a Retry-After honoured for at most BACKOFF_RETRY_AFTER_MAX_MS (10 min),
 *   backoff.h. */

#endif
