/* Written by scripts/conftest: do not edit. */
#define HAVE_D_COMPARE_4ARGS 1
/* #undef HAVE_D_REVALIDATE_DIR_NAME */
/* #undef HAVE_GENERIC_FILLATTR_REQUEST_MASK */
/* #undef HAVE_INODE_GET_CTIME */
/* #undef HAVE_INODE_GET_MTIME */
/* #undef HAVE_IOP_MNT_IDMAP */
#define HAVE_IOP_USER_NS 1
/* #undef HAVE_KTHREAD_COMPLETE_AND_EXIT */
/* #undef HAVE_MSG_SPLICE_PAGES */
