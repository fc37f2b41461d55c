/* manifest.h: the registry's documents decoded into what binnacle shows:
 * image manifests (OCI and Docker schema 2, schema 1 read for its layers
 * only), indexes and manifest lists with their platforms, and the image
 * config (created, platform, entrypoint, history...). Decoding never
 * re-serialises: digests are computed by the caller on the exact bytes. */
#ifndef BINNACLE_REGISTRY_MANIFEST_H
#define BINNACLE_REGISTRY_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_V2 "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_V1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_V1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* Every manifest type binnacle reads, for Accept: the v2 types first, so a
 * registry never downgrades to schema 1 (distribution 2.8 does without them). */
#define MANIFEST_ACCEPT MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_V2 ", " \
	MT_DOCKER_V1_SIGNED ", " MT_DOCKER_V1

enum mf_kind {
	MF_UNKNOWN,
	MF_OCI_INDEX,
	MF_DOCKER_LIST,
	MF_OCI_MANIFEST,
	MF_DOCKER_V2,
	MF_DOCKER_V1,
};

struct mf_platform {
	char os[32], arch[32], variant[32];
};

struct mf_desc {
	char media_type[128];
	char digest[96];
	int64_t size;              /* -1 when absent */
	struct mf_platform platform; /* index entries */
	bool attestation;          /* an index entry that is not an image (buildkit's attestations) */
};

struct manifest {
	enum mf_kind kind;
	char media_type[128];
	struct mf_desc config;     /* image manifests */
	struct mf_desc *layers;
	size_t nlayers;
	struct mf_desc *manifests; /* indexes */
	size_t nmanifests;
};

/* Decodes body (content_type from the response, may be NULL: the body's
 * mediaType, then its shape decide). -1 with a sentence when it is not a
 * manifest binnacle reads. */
int manifest_decode(const char *body, size_t len, const char *content_type, struct manifest *m, char *err,
		    size_t errlen);
void manifest_cleanup(struct manifest *m);
bool manifest_is_index(const struct manifest *m);
/* "OCI index", "OCI", "Docker list", "Docker v2", "Docker v1". */
const char *manifest_kind_text(enum mf_kind k);
enum mf_kind manifest_kind_of(const char *media_type);
/* Compressed size of an image manifest's config and layers; -1 when unknown. */
int64_t manifest_image_size(const struct manifest *m);
/* "linux/amd64" or "linux/arm/v7" into out. */
void manifest_platform_text(const struct mf_platform *p, char *out, size_t outlen);
/* The platforms of an index, "linux/amd64,linux/arm64" (attestations left
 * out), owned; "" for an image manifest. */
char *manifest_platforms(const struct manifest *m);
/* The index entry a pull on (os, arch, variant) would take, as docker picks
 * it: the exact platform, else the same os/arch, else linux/amd64, else the
 * first image. NULL when there is none. */
const struct mf_desc *manifest_pick(const struct manifest *m, const char *os, const char *arch,
				    const char *variant);

/* What the list of tags shows of an image config. */
struct image_config {
	int64_t created;           /* Unix seconds; 0 when absent */
	struct mf_platform platform;
};
int image_config_decode(const char *body, size_t len, struct image_config *c, char *err, size_t errlen);

#endif
