/* Written by scripts/conftest: do not edit. */
#define HAVE_D_COMPARE_4ARGS 1
#define HAVE_D_REVALIDATE_DIR_NAME 1
#define HAVE_GENERIC_FILLATTR_REQUEST_MASK 1
#define HAVE_INODE_GET_CTIME 1
#define HAVE_INODE_GET_MTIME 1
#define HAVE_IOP_MNT_IDMAP 1
/* #undef HAVE_IOP_USER_NS */
