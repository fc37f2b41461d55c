/* model.c: the pieces of a table model (see model.h) that look at one row
 * or two: the user's filter, the drill scope, the total sort order, and cell
 * formatting, so the screen and `binnacle get` agree row for row. Keeping
 * the order of a whole table is model_build.c's. */
#include "views/model.h"
#include "views/model_priv.h"
#include "views/image.h"
#include "views/rowmatch.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Anything ERE gives a meaning to: text without these is matched as a plain
 * substring, which is both faster and immune to regex surprises. */
static const char regex_meta[] = ".[]()*+?{}|^$\\";

/* How long the selector at s is: up to a blank outside parentheses, except
 * the blanks around "in" and "notin" ("env in (a, b)"). */
static size_t selector_len(const char *s)
{
	int depth = 0;
	size_t i = 0;
	for (; s[i]; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth)
			depth--;
		else if ((s[i] == ' ' || s[i] == '\t') && !depth) {
			size_t next = i + strspn(s + i, " \t");
			size_t before = i;
			while (before > 0 && s[before - 1] != ' ' && s[before - 1] != ',')
				before--;
			bool set_word = (i - before == 2 && !strncmp(s + before, "in", 2)) ||
					(i - before == 5 && !strncmp(s + before, "notin", 5));
			bool set_next = s[next] == '(' || !strncmp(s + next, "in ", 3) || !strncmp(s + next, "notin ", 6);
			if (!set_word && !set_next)
				break;
		}
	}
	return i;
}

/* Where the text filter starts, after any "-l SELECTOR"; sets *sel. */
static const char *split_selector(const char *text, char **sel)
{
	*sel = NULL;
	if (strncmp(text, "-l", 2) || (text[2] != ' ' && text[2] != '\t'))
		return text;
	const char *p = text + 2 + strspn(text + 2, " \t");
	size_t n = selector_len(p);
	if (n)
		*sel = xstrndup(p, n);
	p += n;
	return p + strspn(p, " \t");
}

char *filter_selector(const char *text)
{
	char *sel = NULL;
	if (text)
		split_selector(text, &sel);
	return sel;
}

void filter_init(struct filter *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	if (!text || !*text)
		return;
	f->text = xstrdup(text);
	const char *start = split_selector(f->text, &f->selector), *pat = start;
	if (*pat == '!')
		pat++;
	/* a lone '!' is a filter still being typed: show everything meanwhile */
	if (!*pat)
		return;
	f->invert = pat != start;
	/* "^web", "-db$", "^web-1$": anchors alone need no regex engine, and
	 * regexec is what made such filters slow over 50,000 rows */
	size_t plen = strlen(pat);
	const char *lit = pat + (*pat == '^');
	size_t litlen = plen - (size_t)(lit - pat);
	bool end = litlen && lit[litlen - 1] == '$' && (litlen < 2 || lit[litlen - 2] != '\\');
	litlen -= end;
	bool plain = litlen && strcspn(lit, regex_meta) >= litlen;
	if (plain && (lit != pat || end)) {
		f->anchor_start = lit != pat;
		f->anchor_end = end;
		f->literal = xstrndup(lit, litlen);
		pat = f->literal;
	} else if (strpbrk(pat, regex_meta) &&
		   regcomp(&f->re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0) {
		f->regex = true;
		return;
	}
	/* no metacharacters, or not a valid regex ("[abc"): the user meant the text */
	f->needle = pat;
	f->lower = xstrdup(pat);
	f->figures = true;
	for (char *c = f->lower; *c; c++) {
		*c = (char)model_fold((unsigned char)*c);
		/* what numbers, sizes, shares and ages are written with */
		if (!strchr("0123456789.%-smhdykgtpib", *c))
			f->figures = false;
	}
	f->joined = !f->figures && !f->anchor_start && !f->anchor_end && !strchr(f->lower, '\n');
}

void filter_cleanup(struct filter *f)
{
	if (f->regex)
		regfree(&f->re);
	free(f->lower);
	free(f->literal);
	free(f->selector);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

bool filter_active(const struct filter *f)
{
	return f && (f->regex || (f->needle && *f->needle));
}

/* The lower-case needle in s, ASCII case folded: a scan for its first
 * byte in either case, then the rest compared. */
static bool contains_folded(const char *s, const char *lower)
{
	unsigned char c0 = (unsigned char)lower[0];
	unsigned char up = c0 >= 'a' && c0 <= 'z' ? (unsigned char)(c0 - ('a' - 'A')) : c0;
	for (; *s; s++) {
		if ((unsigned char)*s != c0 && (unsigned char)*s != up)
			continue;
		const char *a = s + 1, *b = lower + 1;
		while (*b && model_fold((unsigned char)*a) == (unsigned char)*b) {
			a++;
			b++;
		}
		if (!*b)
			return true;
	}
	return false;
}

static bool starts_folded(const char *s, const char *lower)
{
	while (*lower && model_fold((unsigned char)*s) == (unsigned char)*lower) {
		s++;
		lower++;
	}
	return !*lower;
}

static bool text_matches(const struct filter *f, const char *s)
{
	if (f->regex)
		return regexec(&f->re, s, 0, NULL, 0) == 0;
	if (f->anchor_end) {
		size_t n = strlen(s), m = strlen(f->lower);
		if (n < m || (f->anchor_start && n != m))
			return false;
		return starts_folded(s + n - m, f->lower);
	}
	if (f->anchor_start)
		return starts_folded(s, f->lower);
	return contains_folded(s, f->lower);
}

/* The display text of a cell, without copying when the cell already holds it. */
static const char *cell_display(const struct cell *c, int64_t now, char *tmp, size_t tmplen)
{
	if (c->type == CELL_TEXT)
		return c->text ? c->text : "";
	if (c->type != CELL_TIME && c->type != CELL_NONE && c->text && !c->since)
		return c->text;
	model_cell_text(c, now, tmp, tmplen);
	return tmp;
}

/* A pass's answers for the texts rows share (a namespace, a node, a status:
 * 50,000 rows, a few dozen texts), by address. Valid for one pass only: an
 * interned text freed meanwhile may come back at the same address. */
#define MEMO_SLOTS 512
static struct {
	const char *text;
	uint32_t pass;
	bool hit;
} memo[MEMO_SLOTS];
static uint32_t memo_pass = 1;
static bool memo_on, keep_match;

void model_filter_pass_begin(bool keep)
{
	keep_match = keep;
	if (!++memo_pass) {
		memset(memo, 0, sizeof(memo));
		memo_pass = 1;
	}
	memo_on = true;
}

void model_filter_pass_end(void)
{
	memo_on = keep_match = false;
}

static bool shared_matches(const struct filter *f, const char *text)
{
	size_t h = ((uintptr_t)text >> 4) * UINT64_C(0x9E3779B97F4A7C15) >> 55; /* 9 bits */
	if (memo[h].pass == memo_pass && memo[h].text == text)
		return memo[h].hit;
	bool hit = text_matches(f, text);
	memo[h].text = text;
	memo[h].pass = memo_pass;
	memo[h].hit = hit;
	return hit;
}

/* A plain filter: one search of the row's folded text, then only the
 * columns whose text moves with time. */
static bool joined_matches(const struct filter *f, const struct view *v, const struct row *r, int64_t now)
{
	bool timed;
	if (strstr(rowmatch_text(v, r, &timed), f->lower))
		return true;
	for (int i = 0; timed && i < v->ncolumns; i++) {
		const struct cell *c = model_row_cell(r, v->columns[i].cell);
		if (rowmatch_timed(c)) {
			char tmp[64];
			if (contains_folded(cell_display(c, now, tmp, sizeof(tmp)), f->lower))
				return true;
		}
	}
	return false;
}

bool model_filter_at(const struct filter *f, const struct view *v, const struct row *r, int64_t now)
{
	if (!filter_active(f))
		return true;
	if (f->joined && (keep_match || r->match))
		return joined_matches(f, v, r, now) != f->invert;
	bool hit = text_matches(f, r->id);
	for (int i = 0; !hit && i < v->ncolumns; i++) {
		int idx = v->columns[i].cell;
		if (idx < 0 || idx >= r->ncells || r->cells[idx].type == CELL_NONE)
			continue;
		const struct cell *c = &r->cells[idx];
		/* "web" is in no number, size or age: skip formatting them */
		if (!f->regex && !f->figures && c->type != CELL_TEXT && (!c->text || c->since))
			continue;
		if (memo_on && c->type == CELL_TEXT && idx < 32 && (r->shared & (1u << idx)) && c->text) {
			hit = shared_matches(f, c->text);
			continue;
		}
		char tmp[64];
		hit = text_matches(f, cell_display(c, now, tmp, sizeof(tmp)));
	}
	return hit != f->invert;
}

bool model_label_matches(const struct filter *f, const char *label)
{
	return filter_active(f) && label && text_matches(f, label);
}

bool filter_match(const struct filter *f, const struct view *v, const struct row *r)
{
	return model_filter_at(f, v, r, wall_s());
}

/* snprintf(out, outlen, "%s", s) without the format machinery: the table
 * measures thousands of cells per layout. */
static void copy_text(char *out, size_t outlen, const char *s)
{
	size_t n = strlen(s);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

void model_cell_text(const struct cell *c, int64_t now, char *out, size_t outlen)
{
	if (!outlen)
		return;
	switch (c->type) {
	case CELL_TEXT:
		copy_text(out, outlen, c->text ? c->text : "");
		return;
	case CELL_TIME:
		if (c->text && strchr(c->text, TIME_SLOT)) {
			/* "Up \x1f (healthy)": the phrase for the time since num, in place */
			char dur[48];
			const char *slot = strchr(c->text, TIME_SLOT);
			format_human_duration(now - c->num, dur, sizeof(dur));
			snprintf(out, outlen, "%.*s%s%s", (int)(slot - c->text), c->text, dur, slot + 1);
		} else {
			format_age(now - c->num, out, outlen);
		}
		return;
	case CELL_INT:
	case CELL_BYTES:
	case CELL_PERMILLE:
		break;
	default:
		out[0] = '\0';
		return;
	}
	/* a backend's own rendering ("3.5" CPUs, "yes (3)") wins over ours */
	if (c->text && c->since && strchr(c->text, AGE_SLOT)) {
		/* "3 (\x1e ago)": the age of since, as of now */
		char age[32];
		const char *slot = strchr(c->text, AGE_SLOT);
		format_age(now - (int64_t)c->since, age, sizeof(age));
		snprintf(out, outlen, "%.*s%s%s", (int)(slot - c->text), c->text, age, slot + 1);
		return;
	}
	if (c->text) {
		copy_text(out, outlen, c->text);
		return;
	}
	if (c->type == CELL_BYTES) {
		format_bytes(c->num, out, outlen);
	} else if (c->type == CELL_PERMILLE) {
		/* integer arithmetic: no float rounding turning 125 into "12.4%" */
		unsigned long long mag = c->num < 0 ? 0ull - (unsigned long long)c->num : (unsigned long long)c->num;
		snprintf(out, outlen, "%s%llu.%llu%%", c->num < 0 ? "-" : "", mag / 10, mag % 10);
	} else {
		snprintf(out, outlen, "%lld", (long long)c->num);
	}
}

static bool is_numeric(unsigned char type)
{
	return type == CELL_INT || type == CELL_BYTES || type == CELL_TIME || type == CELL_PERMILLE;
}


static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Case-insensitive natural order: digit runs compare as numbers, so "web-2"
 * sorts before "web-10". Written out rather than folding copies for
 * strverscmp so that sorting 50,000 rows allocates nothing per comparison. */
int model_natural_cmp(const char *a, const char *b)
{
	int zeros = 0; /* first difference in leading zeros: "1" before "01" */
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			size_t za = 0, zb = 0, la = 0, lb = 0;
			while (a[za] == '0')
				za++;
			while (b[zb] == '0')
				zb++;
			while (is_digit(a[za + la]))
				la++;
			while (is_digit(b[zb + lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			int d = memcmp(a + za, b + zb, la);
			if (d)
				return d < 0 ? -1 : 1;
			if (!zeros && za != zb)
				zeros = za < zb ? -1 : 1;
			a += za + la;
			b += zb + lb;
			continue;
		}
		int d = model_fold((unsigned char)*a) - model_fold((unsigned char)*b);
		if (d)
			return d < 0 ? -1 : 1;
		a++;
		b++;
	}
	if (*a || *b)
		return *a ? 1 : -1;
	return zeros;
}

static int natural_cmp(const char *a, const char *b)
{
	return model_natural_cmp(a, b);
}

static const char *version_start(const char *s)
{
	if ((*s == 'v' || *s == 'V') && is_digit(s[1]))
		s++;
	return is_digit(*s) ? s : NULL;
}

/* Compares the digit runs at *a and *b as numbers and steps past them. */
static int number_cmp(const char **a, const char **b)
{
	const char *pa = *a, *pb = *b;
	while (*pa == '0' && is_digit(pa[1]))
		pa++;
	while (*pb == '0' && is_digit(pb[1]))
		pb++;
	size_t la = 0, lb = 0;
	while (is_digit(pa[la]))
		la++;
	while (is_digit(pb[lb]))
		lb++;
	*a = pa + la;
	*b = pb + lb;
	if (la != lb)
		return la < lb ? -1 : 1;
	int d = memcmp(pa, pb, la);
	return d < 0 ? -1 : d > 0;
}

int model_version_cmp(const char *a, const char *b)
{
	const char *pa = version_start(a), *pb = version_start(b);
	if (!pa || !pb) {
		if (pa || pb)
			return pa ? -1 : 1; /* versions before words */
		return natural_cmp(a, b);
	}
	for (;;) {
		int d = number_cmp(&pa, &pb);
		if (d)
			return d;
		bool more_a = *pa == '.' && is_digit(pa[1]), more_b = *pb == '.' && is_digit(pb[1]);
		if (more_a && more_b) {
			pa++;
			pb++;
			continue;
		}
		if (more_a != more_b)
			return more_a ? 1 : -1; /* 1.2.1 after 1.2 */
		break;
	}
	/* the same numbers: a release comes after its pre-releases */
	bool pre_a = *pa == '-', pre_b = *pb == '-';
	if (!*pa && pre_b)
		return 1;
	if (!*pb && pre_a)
		return -1;
	int d = natural_cmp(pa, pb);
	return d ? d : natural_cmp(a, b);
}

static int cmp_num(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Never set, then numbers, then text: a column mixing types still sorts totally. */
static int type_rank(unsigned char type)
{
	return type == CELL_NONE ? 0 : is_numeric(type) ? 1 : 2;
}

const struct cell *model_row_cell(const struct row *r, int idx)
{
	static const struct cell none;
	return idx >= 0 && idx < r->ncells ? &r->cells[idx] : &none;
}

static int cell_cmp(const struct cell *a, const struct cell *b, bool version)
{
	int ra = type_rank(a->type), rb = type_rank(b->type);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 0)
		return 0;
	if (ra == 1) {
		/* an AGE column ascending means youngest first: the newest timestamp */
		if (a->type == CELL_TIME || b->type == CELL_TIME)
			return cmp_num(b->num, a->num);
		return cmp_num(a->num, b->num);
	}
	if (version)
		return model_version_cmp(a->text ? a->text : "", b->text ? b->text : "");
	return model_natural_cmp(a->text ? a->text : "", b->text ? b->text : "");
}

int model_cell_cmp(const struct cell *a, const struct cell *b)
{
	return cell_cmp(a, b, false);
}

int model_compare(const struct view *v, int col, bool desc, const struct row *a, const struct row *b)
{
	if (col >= 0 && col < v->ncolumns) {
		int idx = v->columns[col].cell;
		bool version = idx >= 0 && idx < 64 && (v->version_cells >> idx & 1);
		int d = cell_cmp(model_row_cell(a, idx), model_row_cell(b, idx), version);
		if (d)
			return desc ? -d : d;
	}
	/* ties go by name then id, ascending either way, so equal keys keep the
	 * same order from one refresh to the next and the selection stays put */
	int d = cell_cmp(model_row_cell(a, 0), model_row_cell(b, 0), false);
	if (d)
		return d;
	return strcmp(a->id, b->id);
}

bool model_in_scope(const struct view *v, const struct row *r, const struct model_params *p, int64_t now)
{
	if (p->scope_ns_cell > 0 && strcmp(row_text(r, p->scope_ns_cell), p->scope_ns ? p->scope_ns : ""))
		return false;
	if (p->scope_image && !(v && v->image && image_row_matches(v->image, r, p->scope_image)))
		return false;
	if (p->scope_cell < 0)
		return true;
	const struct cell *c = model_row_cell(r, p->scope_cell);
	if (p->scope_selector)
		return labels_match(p->scope_value, c->text);
	if (p->scope_among) {
		size_t n = c->text ? strlen(c->text) : 0;
		for (const char *e = p->scope_value ? p->scope_value : ""; *e;) {
			size_t k = strcspn(e, ",");
			if (k == n && n && !strncmp(e, c->text, k))
				return true;
			e += k + (e[k] == ',');
		}
		return false;
	}
	char tmp[64];
	return !strcmp(cell_display(c, now, tmp, sizeof(tmp)), p->scope_value ? p->scope_value : "");
}
