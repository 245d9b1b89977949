/*
 * plot.c - SVG scatter plots and bar charts (see plot.h).
 *
 * DESIGN: a chart is laid out in pixels from estimated text extents
 * (EM_WIDTH per character of a sans-serif font), then written top to bottom
 * with fprintf; nothing is buffered but the label boxes of a scatter plot.
 * Axes use "nice" ticks (1, 2 or 5 times a power of ten).  Scatter labels
 * are placed greedily in the given order, each at the one of eight
 * positions around its point (then two wider rings, with a leader line)
 * with the least overlap with the labels placed so far, the points, the
 * arrows and the plot's edge; labels carry a white halo so that a crossing
 * line does not hide them.  Colours are Paul Tol's
 * "bright" scheme, which stays distinct for colour-blind readers.
 *
 * Not here: rasterising, fonts (the viewer picks one from a generic stack),
 * interactive features beyond a <title> tooltip on each bar.
 */
#include "w2v/plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Average advance of a character, in em; DejaVu Sans and Arial are near it. */
#define EM_WIDTH 0.62
#define FONT "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
#define LABEL_PX 14.0
#define TICK_PX 12.0
#define TITLE_PX 18.0
#define AXIS_PX 14.0
#define VALUE_PX 11.0
#define POINT_R 4.5
/* Widest bar chart sized automatically; more groups get narrower bars. */
#define MAX_AUTO_W 1100.0

static const char *const palette[] = {"#4477AA", "#EE6677", "#228833", "#CCBB44",
                                      "#66CCEE", "#AA3377", "#BBBBBB", "#222222"};
#define NCOLORS (sizeof palette / sizeof *palette)

/* ---- text ------------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s (1-4), or 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!n)
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    /* no overlong forms, surrogates or code points above U+10FFFF */
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
        return 0;
    /* U+FFFE and U+FFFF are not XML characters either */
    if (c == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
        return 0;
    return n;
}

void w2v_plot_xml_escape(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned c = *s;
        switch (c) {
        case '&': fputs("&amp;", out); s++; continue;
        case '<': fputs("&lt;", out); s++; continue;
        case '>': fputs("&gt;", out); s++; continue;
        case '"': fputs("&quot;", out); s++; continue;
        case '\'': fputs("&apos;", out); s++; continue;
        default: break;
        }
        size_t n = utf8_len(s);
        if (n == 0 || (c < 0x20 && c != '\t' && c != '\n')) {
            fputs("\xEF\xBF\xBD", out); /* U+FFFD */
            s++;
            continue;
        }
        fwrite(s, 1, n, out);
        s += n;
    }
}

/* Characters (code points; a stray byte counts as one) in s. */
static size_t text_chars(const char *str)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)str; *s; n++) {
        size_t k = utf8_len(s);
        s += k ? k : 1;
    }
    return n;
}

static double text_width(const char *s, double px)
{
    return s ? (double)text_chars(s) * EM_WIDTH * px : 0;
}

/* <text> with escaped content; extra is more attributes (may be ""). */
static void text(FILE *out, double x, double y, double px, const char *anchor, const char *extra,
                 const char *s)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"%s\"%s%s>", x, y,
            px, anchor, *extra ? " " : "", extra);
    w2v_plot_xml_escape(out, s);
    fputs("</text>\n", out);
}

/* ---- numbers and axes -------------------------------------------------------- */

/* A step of 1, 2 or 5 times a power of ten giving about `target` ticks. */
static double nice_step(double range, int target)
{
    double raw = range / target;
    double p = pow(10, floor(log10(raw)));
    double f = raw / p;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

/* Tick label of k * step with just the decimals the step needs. */
static void tick_label(char *buf, size_t n, double v, double step)
{
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 12)
        dec = 12;
    if (fabs(v) < step * 1e-9)
        v = 0;
    snprintf(buf, n, "%.*f", dec, v + 0.0);
}

/* Decimals that give the largest magnitude m three significant digits; one
 * count for the whole chart, so that 43.0 stands next to 42.4, not 43. */
static int value_decimals(double m)
{
    if (!(m > 0))
        return 0;
    int d = 2 - (int)floor(log10(m));
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* A value above a bar; an exponent only beyond 1e7 or below 1e-4. */
static void value_label(char *buf, size_t n, double v, int decimals, double m)
{
    if (m >= 1e7 || (m > 0 && m < 1e-4))
        snprintf(buf, n, "%.3g", v);
    else
        snprintf(buf, n, "%.*f", decimals, v);
}

static void svg_open(FILE *out, double w, double h, const char *title)
{
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"" FONT "\">\n",
            w, h, w, h);
    if (title) {
        fputs("<title>", out);
        w2v_plot_xml_escape(out, title);
        fputs("</title>\n", out);
    }
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", w,
            h);
}

static w2v_status svg_close(FILE *out, w2v_error *err)
{
    fputs("</svg>\n", out);
    if (ferror(out))
        return w2v_error_set(err, W2V_ERR_IO, "plot: write error");
    return W2V_OK;
}

/* ---- scatter ------------------------------------------------------------------ */

typedef struct {
    double x0, y0, x1, y1; /* pixels, y down */
} box;

static double overlap(box a, box b)
{
    double w = fmin(a.x1, b.x1) - fmax(a.x0, b.x0), h = fmin(a.y1, b.y1) - fmax(a.y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
}

/* Does the segment p-q cross box b?  (Liang-Barsky clipping.) */
static int crosses(double px, double py, double qx, double qy, box b)
{
    double t0 = 0, t1 = 1, dx = qx - px, dy = qy - py;
    double p[4] = {-dx, dx, -dy, dy}, q[4] = {px - b.x0, b.x1 - px, py - b.y0, b.y1 - py};
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return 0;
            continue;
        }
        double t = q[k] / p[k];
        if (p[k] < 0) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    return 1;
}

typedef struct {
    double L, T, R, B;     /* plot area in pixels */
    double x0, x1, y0, y1; /* data window */
} frame;

static double px_x(const frame *f, double x) { return f->L + (x - f->x0) / (f->x1 - f->x0) * (f->R - f->L); }
static double px_y(const frame *f, double y) { return f->B - (y - f->y0) / (f->y1 - f->y0) * (f->B - f->T); }

/* Grid lines, tick labels, the zero lines and the frame. */
static void axes(FILE *out, const frame *f)
{
    char buf[64];
    double sx = nice_step(f->x1 - f->x0, 8), sy = nice_step(f->y1 - f->y0, 6);
    fputs("<g stroke=\"#e4e4e4\" stroke-width=\"1\">\n", out);
    for (double k = ceil(f->x0 / sx); k * sx <= f->x1; k++)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                px_x(f, k * sx), f->T, px_x(f, k * sx), f->B);
    for (double k = ceil(f->y0 / sy); k * sy <= f->y1; k++)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", f->L,
                px_y(f, k * sy), f->R, px_y(f, k * sy));
    fputs("</g>\n<g stroke=\"#b0b0b0\" stroke-width=\"1\">\n", out);
    if (f->x0 < 0 && f->x1 > 0)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px_x(f, 0),
                f->T, px_x(f, 0), f->B);
    if (f->y0 < 0 && f->y1 > 0)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", f->L,
                px_y(f, 0), f->R, px_y(f, 0));
    fprintf(out, "</g>\n<path d=\"M%.1f %.1fH%.1fV%.1fH%.1fZ\" fill=\"none\" stroke=\"#606060\"/>\n",
            f->L, f->T, f->R, f->B, f->L);
    fputs("<g fill=\"#404040\">\n", out);
    for (double k = ceil(f->x0 / sx); k * sx <= f->x1; k++) {
        tick_label(buf, sizeof buf, k * sx, sx);
        text(out, px_x(f, k * sx), f->B + TICK_PX + 6, TICK_PX, "middle", "", buf);
    }
    for (double k = ceil(f->y0 / sy); k * sy <= f->y1; k++) {
        tick_label(buf, sizeof buf, k * sy, sy);
        text(out, f->L - 6, px_y(f, k * sy) + TICK_PX * 0.35, TICK_PX, "end", "", buf);
    }
    fputs("</g>\n", out);
}

/* Titles of the chart and of its axes. */
static void titles(FILE *out, double W, double H, double L, double R, double T, double B,
                   const char *title, const char *xlabel, const char *ylabel)
{
    if (title)
        text(out, W / 2, 10 + TITLE_PX, TITLE_PX, "middle", "font-weight=\"bold\"", title);
    if (xlabel)
        text(out, (L + R) / 2, H - 12, AXIS_PX, "middle", "fill=\"#202020\"", xlabel);
    if (ylabel) {
        char tr[96];
        snprintf(tr, sizeof tr, "fill=\"#202020\" transform=\"rotate(-90 %.1f %.1f)\"",
                 8 + AXIS_PX, (T + B) / 2);
        text(out, 8 + AXIS_PX, (T + B) / 2, AXIS_PX, "middle", tr, ylabel);
    }
}

/* Label rings: positions at 1, 2 and 3 steps from the point; only plots of
 * up to RING_POINTS points try the outer two (the work is quadratic). */
#define RINGS 3
#define RING_POINTS 400
/* Room kept free left and right of a label's estimated extent. */
#define LABEL_AIR 3.0

/*
 * Choose the label boxes: for each point in order, the candidate position
 * (eight directions, up to three distances) with the least overlap with the
 * labels placed so far, the points, the arrows and the outside of the
 * frame, plus a small price per ring so that a label stays next to its
 * point when it can.  far[i] is set when the label left the first ring (it
 * then gets a leader line).
 */
static void place_labels(const w2v_plot_scatter_spec *s, const frame *f, const double *px,
                         box *lab, char *far)
{
    const double h = LABEL_PX;
    int rings = s->n <= RING_POINTS ? RINGS : 1;
    for (size_t i = 0; i < s->n; i++) {
        const char *l = s->labels ? s->labels[i] : NULL;
        /* LABEL_AIR pixels each side: estimated widths are averages */
        double w = text_width(l, LABEL_PX) + 2 * LABEL_AIR, x = px[2 * i], y = px[2 * i + 1];
        far[i] = 0;
        if (!l || !*l) {
            lab[i] = (box){x, y, x, y};
            continue;
        }
        double best = INFINITY;
        for (int ring = 0; ring < rings; ring++) {
            double g = POINT_R + 3 + ring * 1.2 * h, d = 4 + ring * 1.2 * h;
            double gx = g - LABEL_AIR, dx = d - LABEL_AIR; /* sideways: the air may overlap */
            const box cand[8] = {
                {x + gx, y - h / 2, x + gx + w, y + h / 2},       /* right */
                {x - gx - w, y - h / 2, x - gx, y + h / 2},       /* left */
                {x - w / 2, y - g - h, x + w / 2, y - g},         /* above */
                {x - w / 2, y + g, x + w / 2, y + g + h},         /* below */
                {x + dx, y - d - h, x + dx + w, y - d},           /* above right */
                {x + dx, y + d, x + dx + w, y + d + h},           /* below right */
                {x - dx - w, y - d - h, x - dx, y - d},           /* above left */
                {x - dx - w, y + d, x - dx, y + d + h},           /* below left */
            };
            for (int c = 0; c < 8; c++) {
                box b = cand[c];
                double cost = ring * 0.3 * h * h + c * 1e-3; /* ties: nearer, earlier */
                for (size_t j = 0; j < i; j++)
                    cost += 2 * overlap(b, lab[j]);
                for (size_t j = 0; j < s->n; j++) {
                    box pt = {px[2 * j] - POINT_R, px[2 * j + 1] - POINT_R,
                              px[2 * j] + POINT_R, px[2 * j + 1] + POINT_R};
                    cost += 3 * overlap(b, pt);
                }
                for (size_t k = 0; k < s->npairs; k++) {
                    size_t a = s->pairs[2 * k], z = s->pairs[2 * k + 1];
                    if (crosses(px[2 * a], px[2 * a + 1], px[2 * z], px[2 * z + 1], b))
                        cost += 0.5 * h * h;
                }
                box area = {f->L, f->T, f->R, f->B};
                cost += 4 * ((b.x1 - b.x0) * (b.y1 - b.y0) - overlap(b, area));
                if (cost < best) {
                    best = cost;
                    lab[i] = b;
                    far[i] = ring > 0;
                }
            }
        }
    }
}

w2v_status w2v_plot_scatter(FILE *out, const w2v_plot_scatter_spec *s, w2v_error *err)
{
    if (s->n == 0 || s->n > W2V_PLOT_MAX_POINTS)
        return w2v_error_set(err, W2V_ERR_ARG, "plot: %zu points (1 to %d can be drawn)", s->n,
                             W2V_PLOT_MAX_POINTS);
    for (size_t i = 0; i < 2 * s->n; i++)
        if (!isfinite(s->xy[i]))
            return w2v_error_set(err, W2V_ERR_ARG, "plot: point %zu is not finite", i / 2);
    for (size_t k = 0; k < 2 * s->npairs; k++)
        if (s->pairs[k] >= s->n)
            return w2v_error_set(err, W2V_ERR_ARG, "plot: pair %zu names point %zu of %zu",
                                 k / 2, s->pairs[k], s->n);
    double W = s->width ? s->width : 900, H = s->height ? s->height : 650;
    frame f = {.L = s->ylabel ? 78 : 58, .T = s->title ? 48 : 20, .R = W - 24,
               .B = H - (s->xlabel ? 56 : 34)};
    if (f.R - f.L < 100 || f.B - f.T < 100)
        return w2v_error_set(err, W2V_ERR_ARG, "plot: %.0f x %.0f pixels is too small", W, H);

    /* The data window: the points' range plus a margin, equal scales if asked. */
    double x0 = s->xy[0], x1 = x0, y0 = s->xy[1], y1 = y0;
    for (size_t i = 1; i < s->n; i++) {
        x0 = fmin(x0, s->xy[2 * i]);
        x1 = fmax(x1, s->xy[2 * i]);
        y0 = fmin(y0, s->xy[2 * i + 1]);
        y1 = fmax(y1, s->xy[2 * i + 1]);
    }
    double xr = x1 - x0, yr = y1 - y0, big = fmax(xr, yr);
    if (big <= 0)
        big = fmax(1, fabs(x0) + fabs(y0));
    if (xr < 1e-9 * big)
        xr = big;
    if (yr < 1e-9 * big)
        yr = big;
    /* room for labels: the right margin must fit about a 10-character word */
    double pw = f.R - f.L, ph = f.B - f.T, mx = 0.06 + 100 / pw, my = 0.08;
    double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    xr *= 1 + 2 * mx;
    yr *= 1 + 2 * my;
    if (s->equal_aspect) {
        double scale = fmin(pw / xr, ph / yr);
        xr = pw / scale;
        yr = ph / scale;
    }
    f.x0 = cx - xr / 2;
    f.x1 = cx + xr / 2;
    f.y0 = cy - yr / 2;
    f.y1 = cy + yr / 2;

    double *px = malloc(2 * s->n * sizeof *px);
    box *lab = malloc(s->n * sizeof *lab);
    char *role = calloc(s->n, 1); /* 1: first of a pair, 2: second */
    char *far = malloc(s->n);
    if (!px || !lab || !role || !far) {
        free(px);
        free(lab);
        free(role);
        free(far);
        return w2v_error_set(err, W2V_ERR_NOMEM, "plot: out of memory");
    }
    for (size_t i = 0; i < s->n; i++) {
        px[2 * i] = px_x(&f, s->xy[2 * i]);
        px[2 * i + 1] = px_y(&f, s->xy[2 * i + 1]);
    }
    for (size_t k = 0; k < s->npairs; k++) {
        role[s->pairs[2 * k]] |= 1;
        role[s->pairs[2 * k + 1]] |= 2;
    }
    place_labels(s, &f, px, lab, far);

    svg_open(out, W, H, s->title);
    axes(out, &f);
    titles(out, W, H, f.L, f.R, f.T, f.B, s->title, s->xlabel, s->ylabel);
    if (s->npairs) {
        fputs("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
              "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
              "<path d=\"M0 0L10 5L0 10z\" fill=\"#7a8a9a\"/></marker></defs>\n"
              "<g stroke=\"#7a8a9a\" stroke-width=\"1.6\" marker-end=\"url(#arrow)\">\n", out);
        for (size_t k = 0; k < s->npairs; k++) {
            size_t a = s->pairs[2 * k], z = s->pairs[2 * k + 1];
            double ax = px[2 * a], ay = px[2 * a + 1], zx = px[2 * z], zy = px[2 * z + 1];
            double len = hypot(zx - ax, zy - ay), stop = POINT_R + 2;
            if (len <= 2 * stop)
                continue; /* the two points coincide on the page */
            /* end just short of the target so the arrowhead stays visible */
            zx -= (zx - ax) / len * stop;
            zy -= (zy - ay) / len * stop;
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", ax, ay, zx,
                    zy);
        }
        fputs("</g>\n", out);
    }
    /* leader lines to labels that had to move away from their point */
    fputs("<g stroke=\"#a0a0a0\" stroke-width=\"0.8\">\n", out);
    for (size_t i = 0; i < s->n; i++)
        if (far[i]) {
            double x = px[2 * i], y = px[2 * i + 1];
            double lx = fmin(fmax(x, lab[i].x0), lab[i].x1);
            double ly = fmin(fmax(y, lab[i].y0), lab[i].y1);
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, y,
                    lx, ly);
        }
    fputs("</g>\n", out);
    for (size_t i = 0; i < s->n; i++) {
        const char *fill = role[i] == 1 ? palette[0] : role[i] == 2 ? palette[1]
                           : role[i] == 3 ? palette[5] : "#555555";
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n", px[2 * i],
                px[2 * i + 1], POINT_R, fill);
    }
    fputs("<g fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" "
          "paint-order=\"stroke\">\n", out);
    for (size_t i = 0; i < s->n; i++)
        if (s->labels && s->labels[i] && *s->labels[i])
            text(out, lab[i].x0 + LABEL_AIR, lab[i].y0 + LABEL_PX * 0.8, LABEL_PX, "start", "",
                 s->labels[i]);
    fputs("</g>\n", out);
    free(px);
    free(lab);
    free(role);
    free(far);
    return svg_close(out, err);
}

/* ---- bars ------------------------------------------------------------------------ */

/* A bar chart's geometry, worked out in steps before anything is drawn.
 * Shape legend: G groups of S bars. */
typedef struct {
    size_t G, S;
    double vmin, vmax, mag; /* the data's range (with 0) and magnitude */
    int dec;                /* decimals of the value labels */
    double step, lo, hi;    /* value axis: tick step and range */
    double value_w, label_w; /* widest value label, widest group label */
    double bar_w, gap, group_w;
    double W, H, L, R, T, B, Rm; /* canvas, plot box and right margin */
    int slant, upright;     /* group labels slanted, value labels upright */
} bars_layout;

/* Check the spec and find the value range, the label decimals and the
 * axis's first ticks. */
static w2v_status bars_range(const w2v_plot_bars_spec *s, bars_layout *ly, w2v_error *err)
{
    size_t G = s->ngroups, S = s->nseries;
    ly->G = G;
    ly->S = S;
    if (G == 0 || S == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "plot: a bar chart needs groups and series");
    if (G > W2V_PLOT_MAX_BARS / S)
        return w2v_error_set(err, W2V_ERR_ARG, "plot: %zu x %zu bars (at most %d)", G, S,
                             W2V_PLOT_MAX_BARS);
    double vmin = 0, vmax = 0; /* the data's range, with 0 */
    for (size_t k = 0; k < G * S; k++) {
        double v = s->values[k];
        if (isnan(v))
            continue;
        if (!isfinite(v))
            return w2v_error_set(err, W2V_ERR_ARG, "plot: value %zu of group %zu is infinite",
                                 k % S + 1, k / S + 1);
        vmin = fmin(vmin, v);
        vmax = fmax(vmax, v);
    }
    double mag = fmax(fabs(vmin), fabs(vmax));
    int dec = value_decimals(mag);
    /* no more decimals than the values have: 3 and 4 are not 3.00 and 4.00 */
    int used = 0;
    for (size_t k = 0; k < G * S; k++) {
        double v = s->values[k];
        while (!isnan(v) && used < dec) {
            double scaled = v * pow(10, used);
            if (fabs(scaled - nearbyint(scaled)) <= 1e-9 * fmax(1, fabs(scaled)))
                break;
            used++;
        }
    }
    ly->vmin = vmin;
    ly->vmax = vmax;
    ly->mag = mag;
    ly->dec = used;
    ly->step = nice_step(vmax > vmin ? vmax - vmin : 1, 5);
    ly->lo = floor(vmin / ly->step + 1e-9) * ly->step;
    ly->hi = ceil(vmax / ly->step - 1e-9) * ly->step;
    if (ly->hi == ly->lo)
        ly->hi = ly->lo + ly->step;
    return W2V_OK;
}

/*
 * Widths: a bar fits its value label, up to a point; a group fits its bars
 * plus a gap; the chart grows with the groups up to MAX_AUTO_W.  Group
 * labels are level if they fit under their group, else slanted 35 degrees,
 * ending under the group's centre; the first must not run off the left
 * edge (cos 35 deg = 0.819).
 */
static w2v_status bars_widths(const w2v_plot_bars_spec *s, bars_layout *ly, w2v_error *err)
{
    size_t G = ly->G, S = ly->S;
    char buf[64];
    double value_w = 0, label_w = 0, tick_w = 0;
    for (size_t k = 0; !s->no_values && k < G * S; k++)
        if (!isnan(s->values[k])) {
            value_label(buf, sizeof buf, s->values[k], ly->dec, ly->mag);
            value_w = fmax(value_w, text_width(buf, VALUE_PX));
        }
    for (size_t g = 0; g < G; g++)
        label_w = fmax(label_w, text_width(s->groups ? s->groups[g] : NULL, TICK_PX));
    /* the widest tick label the axis may get (it can grow a step each way) */
    for (double k = ly->lo / ly->step - 3; k <= ly->hi / ly->step + 3 + 1e-9; k++) {
        tick_label(buf, sizeof buf, k * ly->step, ly->step);
        tick_w = fmax(tick_w, text_width(buf, TICK_PX));
    }
    double bar_w = fmin(fmax(18, value_w + 4), 64);
    double gap = fmax(14, bar_w * 0.8), group_w = S * bar_w + gap;
    double L = tick_w + 16 + (s->ylabel ? AXIS_PX + 14 : 0), Rm = 20;
    double W = s->width ? s->width : fmin(fmax(480, L + G * group_w + Rm), MAX_AUTO_W);
    if (W - L - Rm < G * 4) /* 4 pixels a group at the very least */
        return w2v_error_set(err, W2V_ERR_ARG, "plot: %.0f pixels are too narrow for %zu groups",
                             W, G);
    group_w = (W - L - Rm) / G;
    gap = fmin(gap, group_w * 0.3);
    bar_w = (group_w - gap) / S;

    int slant = label_w > group_w - 6;
    double first_w = slant && s->groups ? text_width(s->groups[0], TICK_PX) * 0.819 + 6 : 0;
    if (first_w > L + group_w / 2 && W - (first_w - group_w / 2) - Rm >= G * 4) {
        L = first_w - group_w / 2;
        group_w = (W - L - Rm) / G;
        gap = fmin(gap, group_w * 0.3);
        bar_w = (group_w - gap) / S;
    }
    ly->value_w = value_w;
    ly->label_w = label_w;
    ly->bar_w = bar_w;
    ly->gap = gap;
    ly->group_w = group_w;
    ly->L = L;
    ly->Rm = Rm;
    ly->W = W;
    ly->slant = slant;
    /* value labels that do not fit across a bar stand upright */
    ly->upright = !s->no_values && bar_w < value_w + 2;
    return W2V_OK;
}

/* Heights: the title and the legend rows (wrapped to the width) above the
 * plot, the group labels and the x title below; then the value axis grows
 * a step at a time until the value labels above the highest bar and below
 * the lowest fit inside the plot. */
static void bars_heights(const w2v_plot_bars_spec *s, bars_layout *ly)
{
    double need = s->no_values ? 0 : ly->upright ? ly->value_w + 6 : VALUE_PX + 5;
    double legend_h = 0, row_w = 0;
    if (s->series) {
        legend_h = 20;
        for (size_t k = 0; k < ly->S; k++) {
            double w = 12 + 6 + text_width(s->series[k], TICK_PX) + 18;
            if (row_w > 0 && ly->L + row_w + w > ly->W - ly->Rm) {
                legend_h += 20;
                row_w = 0;
            }
            row_w += w;
        }
    }
    double label_h = ly->slant ? ly->label_w * 0.574 /* sin 35 deg */ + TICK_PX + 10
                               : TICK_PX + 10;
    double T = (s->title ? 44 : 14) + legend_h + 6;
    double Bm = label_h + 8 + (s->xlabel ? AXIS_PX + 14 : 0);
    double H = s->height ? s->height : 480;
    if (H - T - Bm < 120)
        H = T + Bm + 120;
    double B = H - Bm, ph = B - T;
    for (int k = 0; k < 8 && ly->vmax > 0 && (ly->hi - ly->vmax) / (ly->hi - ly->lo) * ph < need;
         k++)
        ly->hi += ly->step;
    for (int k = 0; k < 8 && ly->vmin < 0 && (ly->vmin - ly->lo) / (ly->hi - ly->lo) * ph < need;
         k++)
        ly->lo -= ly->step;
    ly->T = T;
    ly->H = H;
    ly->B = B;
    ly->R = ly->W - ly->Rm;
}

/* Grid lines, value ticks and the titles. */
static void bars_axes(FILE *out, const w2v_plot_bars_spec *s, const bars_layout *ly,
                      const frame *f)
{
    char buf[64];
    double lo = ly->lo, hi = ly->hi, step = ly->step;
    fputs("<g stroke=\"#e4e4e4\" stroke-width=\"1\">\n", out);
    for (double k = lo / step; k <= hi / step + 1e-9; k++)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", ly->L,
                px_y(f, k * step), ly->R, px_y(f, k * step));
    fputs("</g>\n<g fill=\"#404040\">\n", out);
    for (double k = lo / step; k <= hi / step + 1e-9; k++) {
        tick_label(buf, sizeof buf, k * step, step);
        text(out, ly->L - 6, px_y(f, k * step) + TICK_PX * 0.35, TICK_PX, "end", "", buf);
    }
    fputs("</g>\n", out);
    titles(out, ly->W, ly->H, ly->L, ly->R, ly->T, ly->B, s->title, s->xlabel, s->ylabel);
}

/* The legend: a swatch and a name per series, rows wrapped as measured. */
static void bars_legend(FILE *out, const w2v_plot_bars_spec *s, const bars_layout *ly)
{
    if (!s->series)
        return;
    double x = ly->L, y = (s->title ? 44 : 14);
    for (size_t k = 0; k < ly->S; k++) {
        double w = 12 + 6 + text_width(s->series[k], TICK_PX) + 18;
        if (x > ly->L && x + w > ly->W - ly->Rm) {
            x = ly->L;
            y += 20;
        }
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                x, y + 2, palette[k % NCOLORS]);
        text(out, x + 18, y + 12.5, TICK_PX, "start", "fill=\"#202020\"", s->series[k]);
        x += w;
    }
}

/* Group g: its bars (each with a tooltip), their values and its label. */
static void bars_group(FILE *out, const w2v_plot_bars_spec *s, const bars_layout *ly,
                       const frame *f, size_t g)
{
    char buf[64];
    double zero = px_y(f, 0), bar_w = ly->bar_w;
    double gx = ly->L + g * ly->group_w + ly->gap / 2;
    for (size_t k = 0; k < ly->S; k++) {
        double v = s->values[g * ly->S + k];
        if (isnan(v))
            continue;
        double y = px_y(f, v), top = fmin(y, zero), x = gx + k * bar_w;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"%s\"><title>", x, top, fmax(bar_w - 1, 1), fabs(zero - y),
                palette[k % NCOLORS]);
        if (s->groups)
            w2v_plot_xml_escape(out, s->groups[g]);
        if (s->series) {
            fputs(" / ", out);
            w2v_plot_xml_escape(out, s->series[k]);
        }
        value_label(buf, sizeof buf, v, ly->dec, ly->mag);
        fprintf(out, ": %s</title></rect>\n", buf);
        if (s->no_values)
            continue;
        double bottom = top + fabs(zero - y);
        if (ly->upright) { /* reads upwards, from just off the bar's end */
            double tx = x + bar_w / 2 + VALUE_PX * 0.35, ty = v >= 0 ? top - 4 : bottom + 4;
            char tr[128];
            snprintf(tr, sizeof tr, "fill=\"#303030\" transform=\"rotate(-90 %.1f %.1f)\"",
                     tx, ty);
            text(out, tx, ty, VALUE_PX, v >= 0 ? "start" : "end", tr, buf);
        } else {
            text(out, x + bar_w / 2, v >= 0 ? top - 4 : bottom + VALUE_PX + 1, VALUE_PX,
                 "middle", "fill=\"#303030\"", buf);
        }
    }
    if (s->groups && s->groups[g]) {
        double cx = ly->L + (g + 0.5) * ly->group_w, y = ly->B + TICK_PX + 6;
        if (ly->slant) {
            char tr[96];
            snprintf(tr, sizeof tr, "fill=\"#202020\" transform=\"rotate(-35 %.1f %.1f)\"",
                     cx, y - 4);
            text(out, cx, y - 4, TICK_PX, "end", tr, s->groups[g]);
        } else {
            text(out, cx, y, TICK_PX, "middle", "fill=\"#202020\"", s->groups[g]);
        }
    }
}

w2v_status w2v_plot_bars(FILE *out, const w2v_plot_bars_spec *s, w2v_error *err)
{
    bars_layout ly = {0};
    w2v_status st = bars_range(s, &ly, err);
    if (!st)
        st = bars_widths(s, &ly, err);
    if (st)
        return st;
    bars_heights(s, &ly);
    frame f = {.L = ly.L, .T = ly.T, .R = ly.R, .B = ly.B, .x0 = 0, .x1 = 1, .y0 = ly.lo,
               .y1 = ly.hi};

    svg_open(out, ly.W, ly.H, s->title);
    bars_axes(out, s, &ly, &f);
    bars_legend(out, s, &ly);
    for (size_t g = 0; g < ly.G; g++)
        bars_group(out, s, &ly, &f, g);
    double zero = px_y(&f, 0);
    fprintf(out, "<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" stroke=\"#606060\"/>\n",
            ly.L, ly.T, ly.B, ly.R);
    if (ly.lo < 0)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#606060\"/>\n",
                ly.L, zero, ly.R, zero);
    return svg_close(out, err);
}
