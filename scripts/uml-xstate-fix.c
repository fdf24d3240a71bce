/*
 * LD_PRELOAD shim for User-Mode Linux (linux.uml) on hosts whose XSAVE area is larger than the one
 * UML knows (AVX-512, PKRU, AMX): UML 6.1 saves and restores a guest thread's FPU state with
 * PTRACE_GETREGSET/PTRACE_SETREGSET(NT_X86_XSTATE) on a fixed 832-byte buffer, and the host kernel
 * refuses a SETREGSET whose size is not the whole XSAVE area (EFAULT), so the guest's init dies
 * with "ptrace set fp regs failed, errno = 14" and the guest kernel panics.
 *
 * The shim keeps, for every buffer UML uses, a full-size copy of the state: GETREGSET fills the
 * full copy and hands UML its first part; SETREGSET lays UML's part over the full copy and sets
 * the whole area, so the components UML does not know (AVX-512, PKRU) survive too.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif
#define SLOTS 8192

typedef long (*ptrace_fn)(enum __ptrace_request, pid_t, void *, void *);
static ptrace_fn real_ptrace;
static size_t full_size; /* the host's XSAVE area, learned from the first GETREGSET */
static struct slot {
	void *key;
	unsigned char *state;
} slots[SLOTS];

static struct slot *slot_for(void *key, int create)
{
	size_t h = ((uintptr_t)key >> 4) % SLOTS;
	for (size_t i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[(h + i) % SLOTS];
		if (s->key == key) return s;
		if (s->key == NULL) {
			if (!create) return NULL;
			s->state = malloc(full_size);
			if (s->state == NULL) return NULL;
			s->key = key;
			return s;
		}
	}
	return NULL;
}

static int learn_size(pid_t pid)
{
	if (full_size) return 0;
	size_t len = 1 << 16;
	unsigned char *buf = malloc(len);
	if (buf == NULL) return -1;
	struct iovec iov = {buf, len};
	long r = real_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov);
	free(buf);
	if (r < 0) return -1;
	full_size = iov.iov_len;
	return 0;
}

long ptrace(enum __ptrace_request request, ...)
{
	va_list ap;
	va_start(ap, request);
	pid_t pid = va_arg(ap, pid_t);
	void *addr = va_arg(ap, void *);
	void *data = va_arg(ap, void *);
	va_end(ap);
	if (real_ptrace == NULL) real_ptrace = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");

	if ((request != PTRACE_GETREGSET && request != PTRACE_SETREGSET) ||
	    (uintptr_t)addr != NT_X86_XSTATE || data == NULL)
		return real_ptrace(request, pid, addr, data);
	struct iovec *uiov = data;
	if (learn_size(pid) < 0 || uiov->iov_len >= full_size)
		return real_ptrace(request, pid, addr, data);

	size_t n = uiov->iov_len;
	if (request == PTRACE_GETREGSET) {
		struct slot *s = slot_for(uiov->iov_base, 1);
		if (s == NULL) return real_ptrace(request, pid, addr, data);
		struct iovec iov = {s->state, full_size};
		long r = real_ptrace(PTRACE_GETREGSET, pid, addr, &iov);
		if (r < 0) return r;
		memcpy(uiov->iov_base, s->state, n);
		return r;
	}
	/* SETREGSET: the full state last read into this buffer, or the thread's current one */
	struct slot *s = slot_for(uiov->iov_base, 0);
	unsigned char *full = s != NULL ? s->state : malloc(full_size);
	if (full == NULL) return real_ptrace(request, pid, addr, data);
	if (s == NULL) {
		struct iovec cur = {full, full_size};
		long r = real_ptrace(PTRACE_GETREGSET, pid, addr, &cur);
		if (r < 0) {
			free(full);
			return r;
		}
	}
	memcpy(full, uiov->iov_base, n);
	struct iovec iov = {full, full_size};
	long r = real_ptrace(PTRACE_SETREGSET, pid, addr, &iov);
	if (s == NULL) {
		int e = errno;
		free(full);
		errno = e;
	}
	return r;
}
