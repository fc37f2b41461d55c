/* ssm.h: the SSM Session Manager data channel that ECS Exec speaks, without
 * session-manager-plugin: the ClientMessage codec (a 116-byte big-endian
 * header: MessageType padded to 32 bytes, schema 1, CreatedDate in ms,
 * SequenceNumber, Flags, MessageId as a UUID with its halves swapped,
 * SHA-256 of the payload, PayloadType, PayloadLength, then the payload),
 * and the channel on top (struct ssm_chan): sequence numbers in each
 * direction, acknowledgements, delivery in order from a reorder buffer
 * (duplicates dropped), resends of what is not acknowledged after an
 * adaptive timeout (200 ms at first, at most 1 s), the handshake when the
 * agent asks for one (InteractiveCommands does not require it), terminal
 * sizes, and channel_closed. No I/O and no clock of its own: frames go out
 * through a callback and the caller gives the time, so tests can split,
 * reorder and repeat at will. See tests/lab/ecs/SSM.md. */
#ifndef BINNACLE_ECS_SSM_H
#define BINNACLE_ECS_SSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/util/util.h"

#define SSM_HEADER_LENGTH 116
#define SSM_MIN_MESSAGE (SSM_HEADER_LENGTH + 4)
/* Input bytes per message, as the plugin reads them. */
#define SSM_INPUT_CHUNK 1024

#define SSM_INPUT "input_stream_data"
#define SSM_OUTPUT "output_stream_data"
#define SSM_ACK "acknowledge"
#define SSM_CLOSED "channel_closed"

enum ssm_payload_type {
	SSM_PT_OUTPUT = 1,
	SSM_PT_ERROR = 2,
	SSM_PT_SIZE = 3,
	SSM_PT_PARAMETER = 4,
	SSM_PT_HANDSHAKE_REQUEST = 5,
	SSM_PT_HANDSHAKE_RESPONSE = 6,
	SSM_PT_HANDSHAKE_COMPLETE = 7,
	SSM_PT_FLAG = 10,
	SSM_PT_STDERR = 11,
	SSM_PT_EXIT_CODE = 12,
};

#define SSM_FLAG_SYN 1u
#define SSM_FLAG_FIN 2u

/* One decoded message; payload points into the decoded bytes. */
struct ssm_msg {
	char type[33];          /* spaces and NULs stripped */
	uint32_t schema;
	uint64_t created_ms;
	int64_t seq;
	uint64_t flags;
	unsigned char id[16];   /* the UUID in its usual byte order */
	uint32_t payload_type;
	const char *payload;
	size_t len;
};

/* Appends one message to out. id NULL: a fresh random one. */
void ssm_encode(struct buf *out, const char *type, int64_t seq, uint64_t flags, uint32_t payload_type,
		const void *payload, size_t len, const unsigned char *id, uint64_t created_ms);
/* Parses one message as the plugin does (length, MessageType present,
 * CreatedDate set, the digest when there is a payload): 0, or -1 with a
 * sentence. */
int ssm_decode(const void *data, size_t len, struct ssm_msg *m, char *err, size_t errlen);
void ssm_uuid_new(unsigned char id[16]);
/* "0e9ed0c7-...": lower case with hyphens, as the acks carry it. */
void ssm_uuid_text(const unsigned char id[16], char out[37]);
/* The first (text) frame: OpenDataChannelInput with the session's token;
 * owned JSON. */
char *ssm_open_input(const char *token, const char *client_id);

/* ---- the channel ---- */

struct ssm_out; /* a message sent and not yet acknowledged */
struct ssm_in;  /* a message received ahead of its turn */

struct ssm_chan_cb {
	/* One message to send as a binary WebSocket frame. */
	void (*send)(void *arg, const void *frame, size_t len);
	/* The command's output: stream 1 stdout, 2 stderr. */
	void (*output)(void *arg, int stream, const char *data, size_t len);
	/* The session is up: input and sizes go from now on. */
	void (*started)(void *arg);
	/* The command's exit code, when an agent sends one (interactive
	 * sessions never do). */
	void (*exit_code)(void *arg, int code);
	/* channel_closed: text is what the agent said ("" for none). */
	void (*closed)(void *arg, const char *text);
};

struct ssm_chan {
	struct ssm_chan_cb cb;
	void *arg;
	/* sending */
	int64_t next_seq;
	struct ssm_out *unacked; /* in sequence order */
	int64_t rtt_ms, rttvar_ms, rto_ms;
	/* receiving */
	int64_t expected;
	struct ssm_in *ahead;    /* in sequence order, no two alike */
	size_t nahead;
	bool started, closed;
	int rows, cols;          /* the size to send once started (0: none yet) */
	/* counters, for the log and the tests */
	unsigned long resent, duplicates, acked;
};

void ssm_chan_init(struct ssm_chan *c, const struct ssm_chan_cb *cb, void *arg);
void ssm_chan_cleanup(struct ssm_chan *c);
/* One message from the agent (a binary frame): 0, or -1 with a sentence
 * when it is not a ClientMessage. A message with a bad digest is dropped
 * unacknowledged, so it comes again. */
int ssm_chan_receive(struct ssm_chan *c, const void *frame, size_t len, int64_t now_ms, char *err, size_t errlen);
/* Keystrokes (at most SSM_INPUT_CHUNK bytes a message); only once started. */
void ssm_chan_input(struct ssm_chan *c, const void *data, size_t len, int64_t now_ms);
/* The terminal's size: sent now if started, else once it is. */
void ssm_chan_resize(struct ssm_chan *c, int rows, int cols, int64_t now_ms);
/* Resends the oldest unacknowledged message when its timeout passed;
 * returns ms until it should be called again, -1 when nothing waits for an
 * acknowledgement. */
int64_t ssm_chan_tick(struct ssm_chan *c, int64_t now_ms);
size_t ssm_chan_unacked(const struct ssm_chan *c);
/* How long the oldest unacknowledged message has waited (0: none). */
int64_t ssm_chan_oldest_ms(const struct ssm_chan *c, int64_t now_ms);

#endif
