/* imageref.h: what container images are called, as docker and podman read
 * a reference: [HOST[:PORT]/]PATH[:TAG][@DIGEST], where the first
 * component is a host only when it holds a '.' or a ':' or is "localhost",
 * Docker Hub is the default host and its one-component names live under
 * "library/". Shared by the engines (whose pulls need the registry's
 * credentials) and the registry backend (which finds its own images). */
#ifndef BINNACLE_IMAGEREF_H
#define BINNACLE_IMAGEREF_H

#include <stdbool.h>
#include <stddef.h>

#define IMAGEREF_DOCKER_HUB "docker.io"

struct image_ref {
	char host[256];  /* "docker.io", "127.0.0.1:5000", "ghcr.io" */
	char repo[256];  /* "library/alpine", "lab/app" */
	char tag[136];   /* "" when none was given (at most 128 characters) */
	char digest[96]; /* "sha256:<hex>", "" when none was given */
};

/* Parses s; -1 with a sentence when it is not a reference. A reference
 * with neither tag nor digest keeps both empty (docker then means :latest). */
int imageref_parse(const char *s, struct image_ref *r, char *err, size_t errlen);

/* The host a registry address stands for, as docker's config.json keys
 * name it: scheme and path dropped, Docker Hub's names ("index.docker.io",
 * "registry-1.docker.io", "https://index.docker.io/v1/") as docker.io. */
void imageref_host(const char *address, char *out, size_t outlen);

/* Whether two registry addresses name the same registry. */
bool imageref_same_host(const char *a, const char *b);

/* The host to connect to for a registry host name: Docker Hub's API lives
 * at registry-1.docker.io; every other host is itself. */
const char *imageref_api_host(const char *host);

/* Whether a host (with or without port) is a loopback address, where
 * docker allows plain HTTP without being told. */
bool imageref_loopback(const char *host);

/* Whether s looks like a content digest ("sha256:" and 64 hex digits, or
 * another algorithm and its hex). */
bool imageref_is_digest(const char *s);

#endif
