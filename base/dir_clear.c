#include "base/dir_clear.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void dir_clear(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) < 0)
			unlinkat(fd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}
