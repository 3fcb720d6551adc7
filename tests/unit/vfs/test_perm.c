/* perm.c: generic_permission, capabilities and unmapped owners, sticky
 * deletion, new-node ownership (setgid directories, sgid stripping). */
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "vfs/vfs_private.h"

static struct vfs_inode node(mode_t mode, uid_t uid, gid_t gid)
{
	struct vfs_inode i;
	memset(&i, 0, sizeof(i));
	i.mode = mode;
	i.uid = uid;
	i.gid = gid;
	return i;
}

static struct vfs_cred user(uid_t uid, gid_t gid)
{
	struct vfs_cred c;
	vfs_cred_init(&c, uid, gid);
	return c;
}

static void owner_group_other(void **state)
{
	(void)state;
	struct vfs_inode f = node(S_IFREG | 0640, 1000, 2000);
	struct vfs_cred owner = user(1000, 1000), member = user(1001, 1001), other = user(1002, 1002);
	member.groups[member.ngroups++] = 2000;
	assert_int_equal(vfs_permission(&owner, &f, MAY_READ | MAY_WRITE), 0);
	assert_int_equal(vfs_permission(&owner, &f, MAY_EXEC), -EACCES);
	assert_int_equal(vfs_permission(&member, &f, MAY_READ), 0);
	assert_int_equal(vfs_permission(&member, &f, MAY_WRITE), -EACCES);
	assert_int_equal(vfs_permission(&other, &f, MAY_READ), -EACCES);
	/* the owner class decides even when group would allow more */
	struct vfs_inode g = node(S_IFREG | 0070, 1000, 1000);
	assert_int_equal(vfs_permission(&owner, &g, MAY_READ), -EACCES);
}

static void capabilities_override_dac(void **state)
{
	(void)state;
	struct vfs_cred root = user(0, 0);
	struct vfs_inode f = node(S_IFREG | 0000, 1000, 1000);
	struct vfs_inode d = node(S_IFDIR | 0000, 1000, 1000);
	assert_int_equal(vfs_permission(&root, &f, MAY_READ | MAY_WRITE), 0);
	/* exec needs some x bit even for root */
	assert_int_equal(vfs_permission(&root, &f, MAY_EXEC), -EACCES);
	assert_int_equal(vfs_permission(&root, &d, MAY_EXEC | MAY_WRITE), 0);
	/* DAC_READ_SEARCH alone: read files, search and read directories */
	root.caps = VFS_CAP(CAP_DAC_READ_SEARCH);
	assert_int_equal(vfs_permission(&root, &f, MAY_READ), 0);
	assert_int_equal(vfs_permission(&root, &f, MAY_WRITE), -EACCES);
	assert_int_equal(vfs_permission(&root, &d, MAY_EXEC | MAY_READ), 0);
	assert_int_equal(vfs_permission(&root, &d, MAY_WRITE), -EACCES);
	/* no capability counts over an owner the sandbox does not map */
	root.caps = VFS_CAPS_ALL;
	f.flags = VFS_I_UID_UNMAPPED;
	assert_int_equal(vfs_permission(&root, &f, MAY_READ), -EACCES);
	assert_false(vfs_capable_wrt(&root, &f, CAP_FOWNER));
	assert_true(vfs_capable(&root, CAP_FOWNER));
}

static void sticky_directories(void **state)
{
	(void)state;
	struct vfs_inode tmp = node(S_IFDIR | 01777, 0, 0);
	struct vfs_inode theirs = node(S_IFREG | 0666, 1001, 1001);
	struct vfs_inode mine = node(S_IFREG | 0600, 1000, 1000);
	struct vfs_cred me = user(1000, 1000), root = user(0, 0);
	assert_int_equal(vfs_may_delete(&me, &tmp, &theirs), -EPERM);
	assert_int_equal(vfs_may_delete(&me, &tmp, &mine), 0);
	assert_int_equal(vfs_may_delete(&root, &tmp, &theirs), 0);
	root.caps &= ~VFS_CAP(CAP_FOWNER);
	assert_int_equal(vfs_may_delete(&root, &tmp, &theirs), 0); /* owns tmp */
	tmp.uid = 5;
	assert_int_equal(vfs_may_delete(&root, &tmp, &theirs), -EPERM);
	/* the directory's owner may delete anything in it */
	struct vfs_inode own = node(S_IFDIR | 01777, 1000, 1000);
	assert_int_equal(vfs_may_delete(&me, &own, &theirs), 0);
	struct vfs_inode ro = node(S_IFDIR | 0755, 0, 0);
	assert_int_equal(vfs_may_delete(&me, &ro, &mine), -EACCES);
}

static void new_node_ownership(void **state)
{
	(void)state;
	struct vfs_cred me = user(1000, 1000);
	struct vfs_inode plain = node(S_IFDIR | 0777, 0, 0), sgid = node(S_IFDIR | 02777, 0, 50);
	struct vfs_new n;
	vfs_init_owner(&me, &plain, S_IFREG | 02755, &n);
	assert_int_equal(n.uid, 1000);
	assert_int_equal(n.gid, 1000);
	assert_int_equal(n.mode, S_IFREG | 02755); /* own group: kept */
	vfs_init_owner(&me, &sgid, S_IFDIR | 0755, &n);
	assert_int_equal(n.gid, 50);
	assert_int_equal(n.mode, S_IFDIR | 02755); /* directories inherit setgid */
	vfs_init_owner(&me, &sgid, S_IFREG | 02755, &n);
	assert_int_equal(n.gid, 50);
	assert_int_equal(n.mode, S_IFREG | 0755); /* not in group 50: stripped */
	me.groups[me.ngroups++] = 50;
	vfs_init_owner(&me, &sgid, S_IFREG | 02755, &n);
	assert_int_equal(n.mode, S_IFREG | 02755);
	vfs_init_owner(&me, &sgid, S_IFREG | 02745, &n);
	assert_int_equal(n.mode, S_IFREG | 02745);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owner_group_other),
		cmocka_unit_test(capabilities_override_dac),
		cmocka_unit_test(sticky_directories),
		cmocka_unit_test(new_node_ownership),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
