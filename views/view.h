/* view.h: a view is data: the kind it shows, its command-mode aliases, its
 * columns (title, width policy, alignment, colour), and where Enter drills.
 * One generic table serves every kind; a view only says what differs. */
#ifndef BINNACLE_VIEW_H
#define BINNACLE_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/model/store.h"
#include "views/style.h"

enum align { ALIGN_LEFT, ALIGN_RIGHT };

struct column {
	const char *title;
	int cell;       /* index into the row's cells */
	int min, max;   /* display cells; max 0 = as wide as the content */
	int priority;   /* when the terminal is narrow, higher numbers go first (0 = never) */
	enum align align;
	bool wide;      /* shown only in wide output (`-o wide`, or the `w` toggle) */
	enum style (*style)(const struct row *r); /* NULL = normal */
	/* What names the row for a person (a pod's or node's name): never cut
	 * while another column can give way. Without one, the column showing
	 * cell 0 (the name, by convention). */
	bool ident;
	/* Free text that reads well cut (a message, an image, labels): it gives
	 * way first, down to min, before any column is dropped. */
	bool flex;
	/* The cell holds labels as "k=v,k=v": `get -o json` gives an object. */
	bool labels;
};

/* Where Enter on a row leads: the target kind, narrowed to rows whose cell
 * `cell` equals `value` (cell -1 = no narrowing). */
struct drill {
	const char *kind;
	int cell;
	char value[1024];
	char label[128]; /* breadcrumb: "image nginx:latest" */
	bool selector;   /* value is a label selector matched against the cell's labels */
	bool among;      /* value is a comma-separated list: the cell is one of them */
	bool in_ns;      /* also narrowed to rows whose cell ns_cell equals ns */
	int ns_cell;
	char ns[128];
	bool describe;   /* Enter opens the object's description instead */
	bool switch_scope; /* Enter makes value the endpoint's scope (namespace), then shows kind */
	char select[256]; /* the row id to select where it leads; "" = the first row */
	bool image;       /* value names an image (views/image.h): rows whose image it is (cell unused) */
};

/* Where a row names a container image, for what crosses backends (where
 * it runs, its registry's tags, copying its reference): the cell holding
 * its reference ("host/repo:tag") and the one holding the digests it is
 * known by, space-separated (an index's and its platforms'; may be unset). */
struct image_cells {
	int ref;
	int digests;
	bool runs; /* the rows run the image (containers), rather than store or describe it */
};

struct view {
	const char *kind;  /* store table it shows */
	const char *title; /* "Containers" */
	const char *const *aliases; /* NULL-terminated: "containers", "ctr", ... */
	const struct column *columns;
	int ncolumns;
	int sort_col;      /* default sort column index (into columns) */
	bool sort_desc;
	int ncells;        /* the kind's cell count */
	/* Fills d for Enter on r; false when the row has nowhere to go. */
	bool (*drill)(const struct row *r, struct drill *d);
	int scope_cell;    /* the cell holding the row's scope (namespace); -1 = none */
	/* Row colour by state (NULL = normal). */
	enum style (*row_style)(const struct row *r);
	const struct image_cells *image; /* NULL: its rows are no images */
	/* Cells whose text sorts as versions (bit i: cell i), as a tag list
	 * wants: 1.9 < 1.10.0-rc.1 < 1.10.0 < v3 < latest. */
	unsigned long long version_cells;
};

struct backend_ops;

/* Every view of every backend (shared views once), NULL-terminated. */
const struct view *const *views_all(void);
/* A view by alias or kind name ("ctr", "containers") among every backend's; NULL if none. */
const struct view *views_find(const char *name);
/* A view of ops by alias or kind name; NULL when ops serves no such view. */
const struct view *views_find_for(const struct backend_ops *ops, const char *name);
struct endpoint;
/* The same among an endpoint's views, those found at run time included. */
const struct view *views_find_on(struct endpoint *ep, const char *name);
/* Whether name is the kind or one of the aliases of v. */
bool view_named(const struct view *v, const char *name);

#endif
