/*
 * A tiny AgentCore runtime-contract agent for the arm64 tests, built
 * static with Debian's aarch64-linux-gnu-gcc and run under qemu-user:
 *   GET  /ping         -> {"status":"Healthy","time_of_last_update":N}
 *   POST /invocations  -> text/event-stream, one `data:` frame every
 *                         100 ms. The first frame echoes the forwarded
 *                         headers and what the agent can see of its
 *                         sandbox: its uid, effective capabilities, the
 *                         processes in its PID namespace, and the probes
 *                         asked for by two custom headers (-Custom-Write:
 *                         PATH writes the session id there; -Custom-Read:
 *                         PATH reads it back).
 * One process per connection (fork), so /ping answers during a stream.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void send_all(int fd, const char *s) {
    size_t left = strlen(s);
    while (left > 0) {
        ssize_t n = write(fd, s, left);
        if (n <= 0) return;
        s += n;
        left -= (size_t)n;
    }
}

/* The value of header `name` in the request head, or "". */
static void header(const char *head, const char *name, char *out, size_t cap) {
    out[0] = 0;
    size_t len = strlen(name);
    for (const char *line = head; line && *line; line = strchr(line, '\n')) {
        if (*line == '\n') line++;
        if (strncasecmp(line, name, len) == 0 && line[len] == ':') {
            const char *v = line + len + 1;
            while (*v == ' ') v++;
            size_t i = 0;
            while (v[i] && v[i] != '\r' && v[i] != '\n' && i + 1 < cap) { out[i] = v[i]; i++; }
            out[i] = 0;
            return;
        }
    }
}

/* Keep a probe's answer JSON-safe: printable, no quotes or backslashes. */
static void sanitize(char *s) {
    for (; *s; s++)
        if (!isprint((unsigned char)*s) || *s == '"' || *s == '\\') *s = '_';
}

/* Write the session id to `path`: "ok" or "error: ...". */
static void probe_write(const char *path, const char *session, char *out, size_t cap) {
    int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (f < 0 || write(f, session, strlen(session)) < 0) {
        snprintf(out, cap, "error: %s", strerror(errno));
    } else {
        snprintf(out, cap, "ok");
    }
    if (f >= 0) close(f);
}

/* The first bytes of `path`, or "error: ...". */
static void probe_read(const char *path, char *out, size_t cap) {
    int f = open(path, O_RDONLY);
    if (f < 0) {
        snprintf(out, cap, "error: %s", strerror(errno));
        return;
    }
    ssize_t n = read(f, out, cap - 1);
    close(f);
    out[n > 0 ? n : 0] = 0;
    sanitize(out);
}

/* The CapEff line of /proc/self/status (hex), or "unknown". */
static void effective_caps(char *out, size_t cap) {
    snprintf(out, cap, "unknown");
    FILE *status = fopen("/proc/self/status", "r");
    if (!status) return;
    char line[256];
    while (fgets(line, sizeof line, status))
        if (sscanf(line, "CapEff: %63s", out) == 1) break;
    fclose(status);
    sanitize(out);
}

/* How many processes this PID namespace's /proc lists. */
static int processes(void) {
    DIR *proc = opendir("/proc");
    if (!proc) return -1;
    int count = 0;
    for (struct dirent *e; (e = readdir(proc));)
        if (isdigit((unsigned char)e->d_name[0])) count++;
    closedir(proc);
    return count;
}

static void serve(int fd) {
    char head[16384];
    size_t used = 0;
    while (used + 1 < sizeof head) {
        ssize_t n = read(fd, head + used, sizeof head - 1 - used);
        if (n <= 0) break;
        used += (size_t)n;
        head[used] = 0;
        if (strstr(head, "\r\n\r\n")) break;
    }
    head[used] = 0;
    if (strncmp(head, "GET /ping", 9) == 0) {
        char body[128], response[256];
        snprintf(body, sizeof body, "{\"status\":\"Healthy\",\"time_of_last_update\":%ld}", (long)time(NULL));
        snprintf(response, sizeof response,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                 strlen(body), body);
        send_all(fd, response);
        return;
    }
    if (strncmp(head, "POST /invocations", 17) == 0) {
        char session[300], request[300], user[300], tenant[300], auth[8], other[300];
        char write_path[300], read_path[300], wrote[128] = "", got[256] = "", caps[64];
        char frame[4096];
        struct utsname host;
        uname(&host);
        header(head, "x-amzn-bedrock-agentcore-runtime-session-id", session, sizeof session);
        header(head, "x-amzn-bedrock-agentcore-runtime-request-id", request, sizeof request);
        header(head, "x-amzn-bedrock-agentcore-runtime-user-id", user, sizeof user);
        header(head, "x-amzn-bedrock-agentcore-runtime-custom-tenant", tenant, sizeof tenant);
        header(head, "x-not-allowlisted", other, sizeof other);
        header(head, "authorization", auth, sizeof auth);
        header(head, "x-amzn-bedrock-agentcore-runtime-custom-write", write_path, sizeof write_path);
        header(head, "x-amzn-bedrock-agentcore-runtime-custom-read", read_path, sizeof read_path);
        if (write_path[0]) probe_write(write_path, session, wrote, sizeof wrote);
        if (read_path[0]) probe_read(read_path, got, sizeof got);
        effective_caps(caps, sizeof caps);
        sanitize(session); sanitize(request); sanitize(user); sanitize(tenant); sanitize(other);
        sanitize(wrote);
        send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
        snprintf(frame, sizeof frame,
                 "data: {\"type\":\"start\",\"sessionId\":\"%s\",\"machine\":\"%s\","
                 "\"requestId\":\"%s\",\"userId\":\"%s\",\"tenant\":\"%s\",\"notAllowlisted\":\"%s\","
                 "\"authorization\":%s,\"uid\":%d,\"gid\":%d,\"capEff\":\"%s\",\"processes\":%d,"
                 "\"write\":\"%s\",\"read\":\"%s\"}\n\n",
                 session, host.machine, request, user, tenant, other, auth[0] ? "true" : "false",
                 (int)getuid(), (int)getgid(), caps, processes(), wrote, got);
        send_all(fd, frame);
        for (int i = 1; i <= 5; i++) {
            usleep(100000);
            snprintf(frame, sizeof frame, "data: {\"type\":\"delta\",\"text\":\"word %d \"}\n\n", i);
            send_all(fd, frame);
        }
        send_all(fd, "data: {\"type\":\"done\"}\n\n");
        return;
    }
    send_all(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

int main(void) {
    signal(SIGCHLD, SIG_IGN);
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(8080);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(server, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(server, 16) != 0) {
        perror("arm64 agent: cannot listen on 8080");
        return 1;
    }
    printf("arm64 agent listening on 8080\n");
    fflush(stdout);
    for (;;) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0) continue;
        if (fork() == 0) {
            close(server);
            serve(fd);
            close(fd);
            _exit(0);
        }
        close(fd);
    }
}
