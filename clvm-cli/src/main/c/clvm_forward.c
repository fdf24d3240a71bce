/*
 * clvm-forward: cluster mode's thin client.
 *
 * In cluster mode an lvm2 command typed on a node only travels to the local clvmd: the daemon parses
 * the command line with the same picocli commands, runs it, and answers the output and exit code.
 * The Java CLI does nothing else for such a command, yet a client JVM costs 0.3-1.4 s to start on a
 * small machine, more than the daemon's whole command (BENCHMARKS.md, section 2). This program
 * sends the same request (io.clvm.daemon.control.ControlRequest, one JSON line) and prints the same
 * answer, in about a millisecond.
 *
 * It forwards only what it is sure of. Whenever it is not sure -- not an lvm2 command, a --config
 * option, a configuration it cannot read or that is not cluster mode, no socket or no daemon
 * listening, non-ASCII bytes anywhere in what it would send -- it exits NOT_FORWARDED before sending
 * anything, and bin/clvm runs the Java CLI, which then says what is wrong in its own words. Once a
 * request is sent it never exits NOT_FORWARDED: a command must not run twice.
 *
 *   clvm-forward <command> [args...]    (bin/clvm: argv[1] is the lvm2 command, link name or not)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define NOT_FORWARDED 99
#define EXIT_FAILED 5 /* lvm2's ECMD_FAILED, io.clvm.daemon.control.ControlProtocol.EXIT_FAILED */
#define PROTOCOL_VERSION 1
#define MAX_CONFIG (1 << 20)
#define MAX_SECTIONS 32
#define MAX_JSON_DEPTH 64

extern char **environ;

/* Set once the request may have reached clvmd: from then on no exit may say NOT_FORWARDED. */
static int sent;

/* The commands the Java CLI forwards in cluster mode: every io.clvm.cli.LvmCommand (ClientForwarderTest
 * checks this list against Main's subcommands). Sorted for bsearch. */
static const char *const COMMANDS[] = {
    "lvchange",  "lvcreate", "lvdisplay",   "lvextend",     "lvreduce", "lvremove", "lvrename",
    "lvresize",  "lvs",      "lvscan",      "pvchange",     "pvck",     "pvcreate", "pvdisplay",
    "pvremove",  "pvresize", "pvs",         "pvscan",       "vgcfgbackup", "vgcfgrestore", "vgchange",
    "vgck",      "vgcreate", "vgdisplay",   "vgextend",     "vgreduce", "vgremove", "vgrename",
    "vgs",       "vgscan",
};

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int forwarded_command(const char *name) {
  return bsearch(&name, COMMANDS, sizeof COMMANDS / sizeof COMMANDS[0], sizeof COMMANDS[0],
                 compare_names) != NULL;
}

/* ---- a growing byte buffer ---- */

struct buf {
  char *p;
  size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (b->len + n + 1 > cap) cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) {
      if (sent) {
        fputs("  clvm-forward: out of memory while reading clvmd's answer\n", stderr);
        exit(EXIT_FAILED);
      }
      exit(NOT_FORWARDED);
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

/* Plain ASCII only: what the JVM would make of other bytes depends on its locale (sun.jnu.encoding),
 * so such a command is left to the Java CLI, byte for byte as before. */
static int ascii(const char *s) {
  for (; *s; s++) {
    if ((unsigned char)*s >= 0x80) return 0;
  }
  return 1;
}

static void put_json_string(struct buf *b, const char *s) {
  puts_(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(b, e, 2);
    } else if (c < 0x20) {
      char e[8];
      snprintf(e, sizeof e, "\\u%04x", c);
      puts_(b, e);
    } else {
      put(b, (const char *)&c, 1);
    }
  }
  puts_(b, "\"");
}

/* ---- clvm.conf: the two settings that decide, read as io.clvm.daemon.config.ConfigParser does ---- */

struct config {
  char locking_mode[64];
  char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static char *strip(char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\f' ||
                   s[n - 1] == '\v'))
    s[--n] = '\0';
  return s;
}

static void strip_comment(char *line) {
  int quoted = 0;
  for (char *c = line; *c; c++) {
    if (*c == '\\' && quoted) {
      if (c[1] == '\0') return;
      c++;
    } else if (*c == '"') {
      quoted = !quoted;
    } else if (*c == '#' && !quoted) {
      *c = '\0';
      return;
    }
  }
}

static int valid_key(const char *k) {
  if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || *k == '_')) return 0;
  for (k++; *k; k++) {
    if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
          *k == '_' || *k == '.' || *k == '-'))
      return 0;
  }
  return 1;
}

/* Unquotes in place; 0 when the Java parser would refuse the value. */
static int unquote(char *raw) {
  if (raw[0] != '"') return 1;
  char *w = raw;
  for (char *r = raw + 1; *r; r++) {
    if (*r == '\\' && r[1] != '\0') {
      *w++ = *++r;
    } else if (*r == '"') {
      for (char *t = r + 1; *t; t++) {
        if (*t != ' ' && *t != '\t' && *t != '\r' && *t != '\f' && *t != '\v') return 0;
      }
      *w = '\0';
      return 1;
    } else {
      *w++ = *r;
    }
  }
  return 0; /* unterminated */
}

static int set_value(char *dst, size_t size, const char *value) {
  if (strlen(value) >= size) return 0;
  strcpy(dst, value);
  return 1;
}

/* 1: read (a missing file is all defaults); 0: leave it to the Java CLI. */
static int read_config(const char *path, struct config *cfg) {
  strcpy(cfg->locking_mode, "local");
  strcpy(cfg->socket_path, "/run/clvm/clvmd.sock");
  FILE *f = fopen(path, "rb");
  if (f == NULL) return errno == ENOENT;
  static char text[MAX_CONFIG + 1];
  size_t n = fread(text, 1, MAX_CONFIG + 1, f);
  int failed = ferror(f) || n > MAX_CONFIG;
  fclose(f);
  if (failed) return 0;
  text[n] = '\0';
  if (strlen(text) != n || !ascii(text)) return 0;
  char sections[MAX_SECTIONS][128];
  int depth = 0;
  char *next;
  for (char *line = text; line != NULL; line = next) {
    next = strchr(line, '\n');
    if (next != NULL) *next++ = '\0';
    strip_comment(line);
    char *l = strip(line);
    size_t len = strlen(l);
    if (len == 0) continue;
    if (strcmp(l, "}") == 0) {
      if (depth == 0) return 0;
      depth--;
    } else if (l[len - 1] == '{') {
      l[len - 1] = '\0';
      char *name = strip(l);
      if (!valid_key(name) || depth == MAX_SECTIONS || !set_value(sections[depth], 128, name))
        return 0;
      depth++;
    } else {
      char *eq = strchr(l, '=');
      if (eq == NULL) return 0;
      *eq = '\0';
      char *key = strip(l);
      char *value = strip(eq + 1);
      if (!valid_key(key) || !unquote(value)) return 0;
      /* section.section.key, each part bounded: 32 sections of 127 characters alone fill 4 KiB */
      char full[4096];
      size_t used = 0;
      for (int i = 0; i <= depth; i++) {
        int n = snprintf(full + used, sizeof full - used, i < depth ? "%s." : "%s",
                         i < depth ? sections[i] : key);
        if (n < 0 || (size_t)n >= sizeof full - used) return 0;
        used += (size_t)n;
      }
      if (strcmp(full, "global.locking_mode") == 0) {
        if (!set_value(cfg->locking_mode, sizeof cfg->locking_mode, value)) return 0;
      } else if (strcmp(full, "socket.path") == 0) {
        if (!set_value(cfg->socket_path, sizeof cfg->socket_path, value)) return 0;
      }
    }
  }
  return depth == 0;
}

/* ---- the answer: {"version":1,"exitCode":N,"stdout":"...","stderr":"...","data":...} ---- */

struct reader {
  const char *p, *end;
};

static void skip_space(struct reader *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static void put_utf8(struct buf *b, unsigned cp) {
  char u[4];
  if (cp < 0x80) {
    u[0] = (char)cp;
    put(b, u, 1);
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3F));
    put(b, u, 2);
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    put(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    put(b, u, 4);
  }
}

/* A JSON string at r->p (the opening quote), decoded into out (NULL: skipped). */
static int read_string(struct reader *r, struct buf *out) {
  if (r->p >= r->end || *r->p != '"') return 0;
  r->p++;
  while (r->p < r->end) {
    const char *start = r->p;
    while (r->p < r->end && *r->p != '"' && *r->p != '\\') r->p++;
    if (out != NULL && r->p > start) put(out, start, (size_t)(r->p - start));
    if (r->p >= r->end) return 0;
    if (*r->p == '"') {
      r->p++;
      return 1;
    }
    if (r->end - r->p < 2) return 0;
    char e = r->p[1];
    r->p += 2;
    char c;
    switch (e) {
      case '"': c = '"'; break;
      case '\\': c = '\\'; break;
      case '/': c = '/'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'n': c = '\n'; break;
      case 'r': c = '\r'; break;
      case 't': c = '\t'; break;
      case 'u': {
        unsigned cp;
        if (r->end - r->p < 4 || !hex4(r->p, &cp)) return 0;
        r->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned low;
          if (r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u' && hex4(r->p + 2, &low) &&
              low >= 0xDC00 && low <= 0xDFFF) {
            r->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            cp = '?'; /* what Java's UTF-8 encoder writes for a lone surrogate */
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = '?';
        }
        if (out != NULL) put_utf8(out, cp);
        continue;
      }
      default: return 0;
    }
    if (out != NULL) put(out, &c, 1);
  }
  return 0;
}

static int skip_value(struct reader *r, int depth);

static int skip_container(struct reader *r, char close, int depth) {
  r->p++;
  skip_space(r);
  if (r->p < r->end && *r->p == close) {
    r->p++;
    return 1;
  }
  for (;;) {
    if (close == '}') {
      if (!read_string(r, NULL)) return 0;
      skip_space(r);
      if (r->p >= r->end || *r->p++ != ':') return 0;
    }
    if (!skip_value(r, depth + 1)) return 0;
    skip_space(r);
    if (r->p >= r->end) return 0;
    if (*r->p == ',') {
      r->p++;
      skip_space(r);
    } else if (*r->p == close) {
      r->p++;
      return 1;
    } else {
      return 0;
    }
  }
}

static int skip_value(struct reader *r, int depth) {
  skip_space(r);
  if (r->p >= r->end || depth > MAX_JSON_DEPTH) return 0;
  switch (*r->p) {
    case '"': return read_string(r, NULL);
    case '{': return skip_container(r, '}', depth);
    case '[': return skip_container(r, ']', depth);
    default: {
      const char *start = r->p;
      while (r->p < r->end && strchr("+-0123456789.eEtruefalsn", *r->p) != NULL) r->p++;
      return r->p > start;
    }
  }
}

static int read_int(struct reader *r, long *out) {
  skip_space(r);
  char *endp;
  char tmp[32];
  size_t n = 0;
  while (r->p + n < r->end && n < sizeof tmp - 1 && strchr("-0123456789", r->p[n]) != NULL) n++;
  if (n == 0) return 0;
  memcpy(tmp, r->p, n);
  tmp[n] = '\0';
  errno = 0;
  *out = strtol(tmp, &endp, 10);
  if (errno != 0 || *endp != '\0') return 0;
  r->p += n;
  return 1;
}

struct answer {
  long exit_code;
  int has_exit_code;
  struct buf out, err;
};

/* A string value or null (Java's ControlResponse may carry null for an empty stream). */
static int read_output(struct reader *r, struct buf *into) {
  skip_space(r);
  if (r->end - r->p >= 4 && memcmp(r->p, "null", 4) == 0) {
    r->p += 4;
    return 1;
  }
  return read_string(r, into);
}

static int parse_answer(const char *text, size_t len, struct answer *a) {
  struct reader r = {text, text + len};
  skip_space(&r);
  if (r.p >= r.end || *r.p != '{') return 0;
  r.p++;
  skip_space(&r);
  if (r.p < r.end && *r.p == '}') return 0;
  for (;;) {
    struct buf key = {0};
    skip_space(&r);
    if (!read_string(&r, &key)) return 0;
    skip_space(&r);
    if (r.p >= r.end || *r.p++ != ':') return 0;
    int ok;
    if (key.p != NULL && strcmp(key.p, "exitCode") == 0) {
      ok = read_int(&r, &a->exit_code);
      a->has_exit_code = ok;
    } else if (key.p != NULL && strcmp(key.p, "stdout") == 0) {
      ok = read_output(&r, &a->out);
    } else if (key.p != NULL && strcmp(key.p, "stderr") == 0) {
      ok = read_output(&r, &a->err);
    } else {
      ok = skip_value(&r, 1);
    }
    free(key.p);
    if (!ok) return 0;
    skip_space(&r);
    if (r.p >= r.end) return 0;
    if (*r.p == ',') {
      r.p++;
    } else if (*r.p == '}') {
      return a->has_exit_code;
    } else {
      return 0;
    }
  }
}

/* ---- talking to clvmd ---- */

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

/* Java's ControlClient.NoAnswerException, as the CLI prints it (Session.error). */
static int no_answer(const char *socket_path, const char *why) {
  fprintf(stderr,
          "  clvmd at %s did not answer (%s): the command may or may not have run; check before"
          " repeating it\n",
          socket_path, why);
  return EXIT_FAILED;
}

static void build_request(struct buf *req, int argc, char **argv, const char *cwd) {
  puts_(req, "{\"version\":");
  char v[16];
  snprintf(v, sizeof v, "%d", PROTOCOL_VERSION);
  puts_(req, v);
  puts_(req, ",\"type\":\"command\",\"command\":");
  put_json_string(req, argv[1]);
  puts_(req, ",\"argv\":[");
  for (int i = 2; i < argc; i++) {
    if (i > 2) puts_(req, ",");
    put_json_string(req, argv[i]);
  }
  puts_(req, "],\"cwd\":");
  put_json_string(req, cwd);
  puts_(req, ",\"env\":{");
  int first = 1;
  for (char **e = environ; *e != NULL; e++) {
    if (strncmp(*e, "LVM_", 4) != 0 && strncmp(*e, "CLVM_", 5) != 0) continue;
    const char *eq = strchr(*e, '=');
    if (eq == NULL) continue;
    struct buf name = {0};
    put(&name, *e, (size_t)(eq - *e));
    if (!first) puts_(req, ",");
    first = 0;
    put_json_string(req, name.p);
    puts_(req, ":");
    put_json_string(req, eq + 1);
    free(name.p);
  }
  puts_(req, "}}\n");
}

static int environment_is_ascii(void) {
  for (char **e = environ; *e != NULL; e++) {
    if ((strncmp(*e, "LVM_", 4) == 0 || strncmp(*e, "CLVM_", 5) == 0) && !ascii(*e)) return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2 || !forwarded_command(argv[1])) return NOT_FORWARDED;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--config") == 0 || strncmp(argv[i], "--config=", 9) == 0)
      return NOT_FORWARDED; /* another file decides the mode: the Java CLI reads it */
    if (!ascii(argv[i])) return NOT_FORWARDED;
  }
  if (!environment_is_ascii()) return NOT_FORWARDED;
  const char *conf = getenv("CLVM_CONF");
  if (conf == NULL || conf[0] == '\0') conf = "/etc/clvm/clvm.conf";
  struct config cfg;
  if (!read_config(conf, &cfg) || strcmp(cfg.locking_mode, "cluster") != 0) return NOT_FORWARDED;
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == NULL || !ascii(cwd)) return NOT_FORWARDED;

  struct buf req = {0};
  build_request(&req, argc, argv, cwd);

  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return NOT_FORWARDED;
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strcpy(addr.sun_path, cfg.socket_path); /* fits: read_config bounds it */
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return NOT_FORWARDED; /* the Java CLI names the socket and what to do */
  }
  /* From here on the command may run: never NOT_FORWARDED again. */
  sent = 1;
  const char *p = req.p;
  size_t left = req.len;
  while (left > 0) {
    ssize_t w = send(fd, p, left, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      break; /* the daemon answered early (refused, too large) and stopped reading */
    }
    p += w;
    left -= (size_t)w;
  }
  shutdown(fd, SHUT_WR);
  struct buf answer = {0};
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return no_answer(cfg.socket_path, strerror(errno));
    }
    if (n == 0) break;
    put(&answer, chunk, (size_t)n);
  }
  close(fd);
  if (answer.len == 0) return no_answer(cfg.socket_path, "the connection was closed");
  struct answer a = {0};
  if (!parse_answer(answer.p, answer.len, &a))
    return no_answer(cfg.socket_path, "the answer is not a response");
  if (a.out.len > 0) write_all(STDOUT_FILENO, a.out.p, a.out.len);
  if (a.err.len > 0) write_all(STDERR_FILENO, a.err.p, a.err.len);
  return (int)(a.exit_code & 0xFF);
}
