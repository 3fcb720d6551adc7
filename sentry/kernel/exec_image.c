/* ELF and #! inspection, after fs/binfmt_elf.c and fs/binfmt_script.c:
 * the same checks, so a file the kernel would refuse is refused here with
 * the same errno. Everything is read with pread from an fd the sentry
 * holds, never from tracee memory. */
#include "sentry/kernel/exec_image.h"

#include <elf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

static int read_exact(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);
	if (n < 0)
		return -EIO;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

static int inspect_elf(int fd, const Elf64_Ehdr *eh, struct exec_image *ret)
{
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > 65536 / sizeof(Elf64_Phdr))
		return -ENOEXEC;

	Elf64_Phdr ph[65536 / sizeof(Elf64_Phdr)];
	int r = read_exact(fd, ph, eh->e_phnum * sizeof(Elf64_Phdr), (off_t)eh->e_phoff);
	if (r < 0)
		return r;
	ret->kind = EXEC_ELF_STATIC;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_INTERP)
			continue;
		/* binfmt_elf: a sane size, NUL-terminated. */
		if (ph[i].p_filesz > PATH_MAX || ph[i].p_filesz < 2)
			return -ENOEXEC;
		r = read_exact(fd, ret->interp, ph[i].p_filesz, (off_t)ph[i].p_offset);
		if (r < 0)
			return r;
		if (ret->interp[ph[i].p_filesz - 1] != '\0')
			return -ENOEXEC;
		ret->kind = EXEC_ELF_DYNAMIC;
		return 0;
	}
	return 0;
}

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static const char *next_non_spacetab(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!spacetab(*p))
			return p;
	return NULL;
}

static const char *next_terminator(const char *p, const char *end)
{
	for (; p < end; p++)
		if (spacetab(*p) || *p == '\0')
			return p;
	return NULL;
}

/* fs/binfmt_script.c load_script(), step by step: `buf` holds the first
 * EXEC_SCRIPT_LINE_MAX bytes of the file, NUL-padded. A truncated
 * interpreter name is refused; a truncated argument is fine (the
 * interpreter re-reads the script). */
static int inspect_script(char *buf, struct exec_image *ret)
{
	char *buf_end = buf + EXEC_SCRIPT_LINE_MAX - 1;
	const char *i_end = memchr(buf, '\n', EXEC_SCRIPT_LINE_MAX);
	if (!i_end) {
		i_end = next_non_spacetab(buf + 2, buf_end);
		if (!i_end)
			return -ENOEXEC;
		if (!next_terminator(i_end, buf_end))
			return -ENOEXEC;
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	const char *i_name = next_non_spacetab(buf + 2, i_end);
	if (!i_name || i_name == i_end)
		return -ENOEXEC;
	const char *i_arg = NULL;
	const char *i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep != '\0')
		i_arg = next_non_spacetab(i_sep, i_end);
	const char *name_end = i_sep ? i_sep : i_end;

	size_t nlen = (size_t)(name_end - i_name);
	/* "#!" then NULs: the kernel opens "" with getname_kernel(), which
	 * accepts an empty name and walks to the cwd, a directory: EACCES. */
	if (nlen == 0)
		return -EACCES;
	ret->kind = EXEC_SCRIPT;
	memcpy(ret->interp, i_name, nlen);
	ret->interp[nlen] = '\0';
	if (i_arg) {
		size_t alen = (size_t)(i_end - i_arg);
		memcpy(ret->arg, i_arg, alen);
		ret->arg[alen] = '\0'; /* an embedded NUL ends it earlier, as in C */
		ret->has_arg = true;
	}
	return 0;
}

int exec_inspect(int fd, struct exec_image *ret)
{
	memset(ret, 0, sizeof(*ret));
	char buf[EXEC_SCRIPT_LINE_MAX] = {0};
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -EIO;
	if (n >= 2 && buf[0] == '#' && buf[1] == '!')
		return inspect_script(buf, ret);
	if ((size_t)n >= sizeof(Elf64_Ehdr) && memcmp(buf, ELFMAG, SELFMAG) == 0) {
		Elf64_Ehdr eh;
		memcpy(&eh, buf, sizeof(eh));
		return inspect_elf(fd, &eh, ret);
	}
	return -ENOEXEC;
}
