/* Written by scripts/conftest: do not edit. */
/* #undef HAVE_D_COMPARE_4ARGS */
/* #undef HAVE_D_REVALIDATE_DIR_NAME */
/* #undef HAVE_GENERIC_FILLATTR_REQUEST_MASK */
/* #undef HAVE_INODE_GET_CTIME */
/* #undef HAVE_INODE_GET_MTIME */
/* #undef HAVE_IOP_MNT_IDMAP */
/* #undef HAVE_IOP_USER_NS */
/* #undef HAVE_KTHREAD_COMPLETE_AND_EXIT */
/* #undef HAVE_MSG_SPLICE_PAGES */
