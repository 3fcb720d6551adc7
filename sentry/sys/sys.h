/* Syscall handlers, grouped by area (sys_<area>.c). Each takes the sentry
 * and the trapped call and returns the tracee's result, -errno, or
 * SYS_REPLIED (see sentry/sys/syscalls.h). */
#ifndef VEIL_SENTRY_SYS_H
#define VEIL_SENTRY_SYS_H

#include "sentry/platform.h"
#include "sentry/kernel/sentry.h"
#include "sentry/sys/syscalls.h"

#define SYS_HANDLER(name) long sentry_sys_##name(struct sentry *s, struct platform_call *call)

/* sys_creds.c */
SYS_HANDLER(getuid);
SYS_HANDLER(geteuid);
SYS_HANDLER(getgid);
SYS_HANDLER(getegid);
SYS_HANDLER(getresuid);
SYS_HANDLER(getresgid);
SYS_HANDLER(getgroups);
SYS_HANDLER(setuid);
SYS_HANDLER(setgid);
SYS_HANDLER(setreuid);
SYS_HANDLER(setregid);
SYS_HANDLER(setresuid);
SYS_HANDLER(setresgid);
SYS_HANDLER(setfsuid);
SYS_HANDLER(setfsgid);
SYS_HANDLER(setgroups);
SYS_HANDLER(capget);
SYS_HANDLER(capset);
SYS_HANDLER(prctl);

/* sys_uts.c */
SYS_HANDLER(uname);
SYS_HANDLER(sethostname);
SYS_HANDLER(setdomainname);

/* sys_exec.c */
SYS_HANDLER(execve);
SYS_HANDLER(execveat);

/* sys_open.c */
SYS_HANDLER(open);
SYS_HANDLER(creat);
SYS_HANDLER(openat);
SYS_HANDLER(openat2);

/* sys_file.c */
SYS_HANDLER(stat);
SYS_HANDLER(lstat);
SYS_HANDLER(newfstatat);
SYS_HANDLER(fstat);
SYS_HANDLER(statx);
SYS_HANDLER(access);
SYS_HANDLER(chroot);
SYS_HANDLER(faccessat);
SYS_HANDLER(faccessat2);
SYS_HANDLER(readlink);
SYS_HANDLER(readlinkat);
SYS_HANDLER(getcwd);
SYS_HANDLER(chdir);
SYS_HANDLER(umask);
SYS_HANDLER(mkdir);
SYS_HANDLER(mkdirat);
SYS_HANDLER(mknod);
SYS_HANDLER(mknodat);
SYS_HANDLER(unlink);
SYS_HANDLER(rmdir);
SYS_HANDLER(unlinkat);
SYS_HANDLER(rename);
SYS_HANDLER(renameat);
SYS_HANDLER(renameat2);
SYS_HANDLER(link);
SYS_HANDLER(linkat);
SYS_HANDLER(symlink);
SYS_HANDLER(symlinkat);
SYS_HANDLER(chmod);
SYS_HANDLER(fchmodat);
SYS_HANDLER(chown);
SYS_HANDLER(lchown);
SYS_HANDLER(fchownat);
SYS_HANDLER(truncate);
SYS_HANDLER(ftruncate);
SYS_HANDLER(utimensat);
SYS_HANDLER(utime);
SYS_HANDLER(utimes);
SYS_HANDLER(futimesat);
SYS_HANDLER(statfs);
SYS_HANDLER(getdents64);
SYS_HANDLER(getdents);
SYS_HANDLER(fchdir);
SYS_HANDLER(fchmod);
SYS_HANDLER(fchown);
SYS_HANDLER(fstatfs);
SYS_HANDLER(fchmodat2);

/* sys_xattr.c */
SYS_HANDLER(getxattr);
SYS_HANDLER(lgetxattr);
SYS_HANDLER(fgetxattr);
SYS_HANDLER(setxattr);
SYS_HANDLER(lsetxattr);
SYS_HANDLER(fsetxattr);
SYS_HANDLER(listxattr);
SYS_HANDLER(llistxattr);
SYS_HANDLER(flistxattr);
SYS_HANDLER(removexattr);
SYS_HANDLER(lremovexattr);
SYS_HANDLER(fremovexattr);

/* sys_procs.c */
SYS_HANDLER(other_process);

/* sys_ioctl.c */
SYS_HANDLER(ioctl);

/* sys_lock.c */
SYS_HANDLER(flock);
SYS_HANDLER(fcntl);

/* sys_socket.c */
SYS_HANDLER(bind);
SYS_HANDLER(connect);
SYS_HANDLER(getsockname);
SYS_HANDLER(getpeername);

/* sys_net.c: trapped with --unshare-net only */
SYS_HANDLER(socket);
SYS_HANDLER(listen);
SYS_HANDLER(accept);
SYS_HANDLER(accept4);
SYS_HANDLER(recvfrom);
SYS_HANDLER(recvmsg);
SYS_HANDLER(recvmmsg);
SYS_HANDLER(getsockopt);
SYS_HANDLER(setsockopt);

/* sys_ipc.c: trapped with --unshare-ipc only */
SYS_HANDLER(shmget);
SYS_HANDLER(shmat);
SYS_HANDLER(shmctl);
SYS_HANDLER(msgget);
SYS_HANDLER(msgsnd);
SYS_HANDLER(msgrcv);
SYS_HANDLER(msgctl);
SYS_HANDLER(semget);
SYS_HANDLER(semop);
SYS_HANDLER(semtimedop);
SYS_HANDLER(semctl);

/* Under --unshare-pid without --unshare-ipc: the host's objects' stat
 * commands and semctl's GETPID, their pids in the sandbox's numbers. */
long sys_ipc_host_pids(struct sentry *s, struct platform_call *call);

/* sys_mq.c: trapped with --unshare-ipc only */
SYS_HANDLER(mq_open);
SYS_HANDLER(mq_unlink);

/* sys_mount.c */
SYS_HANDLER(mount);
SYS_HANDLER(umount2);
SYS_HANDLER(unshare);
SYS_HANDLER(pivot_root);
SYS_HANDLER(clone);

/* sys_inotify.c */
SYS_HANDLER(inotify_add_watch);

/* sock_send.c */
SYS_HANDLER(sendto);
SYS_HANDLER(sendmsg);
SYS_HANDLER(sendmmsg);

#endif
