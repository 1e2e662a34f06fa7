/* Reads an .ics file with libical (Debian's libical-dev) and prints each VEVENT's
 * occurrences in a window, one line each, tab-separated, for read_py.py --reader libical:
 *
 *   M  UID  KEY  START  END  STATUS  SUMMARY   an instance of a master (KEY: its start)
 *   O  UID  KEY  START  END  STATUS  SUMMARY   a VEVENT with RECURRENCE-ID (KEY: that)
 *   E  TEXT                                    a problem libical reported (parser's
 *                                              X-LIC-ERROR, or icalrestriction_check)
 *
 * START and END are UTC instants (2027-03-16T21:00:00Z), or dates (2027-06-01) for all-day
 * events. Expansion is libical's icalcomponent_foreach_recurrence (RRULE, RDATE, EXDATE),
 * with the time zones of the file's own VTIMEZONEs. The span libical hands the callback is
 * used for timed events; for all-day ones its start is the date (midnight UTC) and the end
 * is that date plus the event's own DTEND - DTSTART in days.
 *
 * Usage: read_libical FILE.ics FROM TO   (dates, YYYY-MM-DD; the window is widened by
 * three days each side and cut exactly by the Python side)
 * Build: cc -O2 -o read_libical read_libical.c $(pkg-config --cflags --libs libical)
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "%s: read failed\n", path); exit(2); }
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* A text value with tabs and line breaks made spaces, so a line stays a line. */
static void put_text(const char *s) {
    for (; s && *s; s++) putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void put_instant(time_t t, int is_date) {
    char buf[32];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, is_date ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
    fputs(buf, stdout);
}

static time_t utc_of(struct icaltimetype t) {
    if (t.is_date) {
        /* a date: its midnight, as a UTC day number */
        struct icaltimetype d = t;
        d.is_date = 0;
        d.hour = d.minute = d.second = 0;
        return icaltime_as_timet_with_zone(d, icaltimezone_get_utc_timezone());
    }
    return icaltime_as_timet_with_zone(t, t.zone ? t.zone : icaltimezone_get_utc_timezone());
}

struct ctx {
    const char *kind;       /* "M" or "O" */
    const char *uid;
    const char *status;
    const char *summary;
    int is_date;
    long date_days;         /* all-day: DTEND - DTSTART in days */
    const char *key;        /* for overrides: the RECURRENCE-ID, already normalized */
};

static void emit(struct ctx *c, time_t start, time_t end) {
    printf("%s\t", c->kind);
    put_text(c->uid);
    putchar('\t');
    if (c->key) fputs(c->key, stdout); else put_instant(start, c->is_date);
    putchar('\t');
    put_instant(start, c->is_date);
    putchar('\t');
    put_instant(end, c->is_date);
    printf("\t%s\t", c->status);
    put_text(c->summary);
    putchar('\n');
}

static void on_instance(icalcomponent *comp, struct icaltime_span *span, void *data) {
    (void)comp;
    struct ctx *c = data;
    if (c->is_date) {
        time_t day = span->start - (span->start % 86400);
        emit(c, day, day + c->date_days * 86400);
    } else {
        emit(c, span->start, span->end);
    }
}

static const char *status_text(icalcomponent *ev) {
    icalproperty *p = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);
    if (!p) return "CONFIRMED";
    switch (icalproperty_get_status(p)) {
    case ICAL_STATUS_TENTATIVE: return "TENTATIVE";
    case ICAL_STATUS_CANCELLED: return "CANCELLED";
    case ICAL_STATUS_CONFIRMED: return "CONFIRMED";
    default: return icalproperty_get_value_as_string(p);
    }
}

/* Every X-LIC-ERROR libical left in `c` and below (the parser's and the restriction
 * checker's), with the component kind and, for a VEVENT, its UID. */
static void report_errors(icalcomponent *c) {
    /* (the UID first: looking it up moves the component's property iterator) */
    const char *uid = icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT ? icalcomponent_get_uid(c) : NULL;
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        printf("E\t%s", icalcomponent_kind_to_string(icalcomponent_isa(c)));
        if (uid) { putchar(' '); put_text(uid); }
        fputs(": ", stdout);
        put_text(icalproperty_get_xlicerror(p));
        putchar('\n');
    }
    for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        report_errors(k);
}

static struct icaltimetype day_arg(const char *s) {
    char digits[16] = {0};
    size_t n = 0;
    for (; *s && n < 8; s++) if (*s != '-') digits[n++] = *s;
    return icaltime_from_string(digits);
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s FILE.ics FROM TO\n", argv[0]); return 2; }
    char *text = slurp(argv[1]);
    icalcomponent *cal = icalparser_parse_string(text);
    if (!cal) { printf("E\tparse: %s\n", icalerror_strerror(icalerrno)); return 1; }

    struct icaltimetype from = day_arg(argv[2]);
    struct icaltimetype to = day_arg(argv[3]);
    from = icaltime_add(from, icaldurationtype_from_int(-3 * 86400));
    to = icaltime_add(to, icaldurationtype_from_int(3 * 86400));
    from.is_date = to.is_date = 0;
    from.zone = to.zone = icaltimezone_get_utc_timezone();

    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        struct icaltimetype dtstart = icalcomponent_get_dtstart(ev);
        struct icaltimetype dtend = icalcomponent_get_dtend(ev);
        struct ctx c = {0};
        c.uid = icalcomponent_get_uid(ev);
        c.summary = icalcomponent_get_summary(ev);
        c.status = status_text(ev);
        c.is_date = dtstart.is_date;
        c.date_days = 1;
        if (c.is_date && !icaltime_is_null_time(dtend))
            c.date_days = (long)((utc_of(dtend) - utc_of(dtstart)) / 86400);
        icalproperty *rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
        char key[32] = {0};
        if (rid) {
            struct icaltimetype r = icalcomponent_get_recurrenceid(ev);
            if (!r.zone && !r.is_date) {
                /* the TZID of RECURRENCE-ID, resolved in this calendar */
                icalparameter *tzp = icalproperty_get_first_parameter(rid, ICAL_TZID_PARAMETER);
                if (tzp) r.zone = icalcomponent_get_timezone(cal, icalparameter_get_tzid(tzp));
            }
            time_t t = utc_of(r);
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(key, sizeof key, r.is_date ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
            c.kind = "O";
            c.key = key;
        } else {
            c.kind = "M";
        }
        icalcomponent_foreach_recurrence(ev, from, to, on_instance, &c);
    }

    /* libical's restriction checker (RFC 5546 rules for the METHOD), on a copy; reports
     * its problems and the parser's */
    icalcomponent *copy = icalcomponent_new_clone(cal);
    icalrestriction_check(copy);
    report_errors(copy);
    icalcomponent_free(copy);
    icalcomponent_free(cal);
    free(text);
    return 0;
}
