/* style.h: the named styles a theme gives colours to. Views pick a style
 * for a cell or row by meaning (ok, warning, error); the theme decides what
 * that looks like. No ncurses here, so views and `binnacle get` can use it. */
#ifndef BINNACLE_STYLE_H
#define BINNACLE_STYLE_H

enum style {
	ST_NORMAL,
	ST_HEADER,      /* top line */
	ST_HEADER_KEY,  /* labels in the header */
	ST_DANGER,      /* production context banner */
	ST_CRUMBS,
	ST_CRUMB_ACTIVE,
	ST_TABLE_HEAD,
	ST_SORTED_HEAD, /* the column the table is sorted by */
	ST_SELECTED,
	ST_CHANGED,     /* a cell that just changed */
	ST_ADDED,       /* a row that just appeared */
	ST_GONE,        /* a row that was just deleted */
	ST_OK,
	ST_WARN,
	ST_ERROR,
	ST_DIM,
	ST_FLASH_INFO,
	ST_FLASH_WARN,
	ST_FLASH_ERROR,
	ST_PROMPT,
	ST_STALE,
	ST_MATCH,       /* search matches in the text viewer */
	ST_MARKED,      /* rows marked with Space */
	ST_COUNT
};

/* "table_head" -> ST_TABLE_HEAD; -1 when unknown. */
int style_from_name(const char *name);
const char *style_name(enum style s);

#endif
