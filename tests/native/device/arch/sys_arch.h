/* lwIP's OS types for the device-glue link test: the test runs on one thread and never blocks,
 * so the types are plain integers and the functions (stubs.c) do nothing. */
#ifndef NR_DEVICE_ARCH_SYS_ARCH_H
#define NR_DEVICE_ARCH_SYS_ARCH_H

typedef int sys_sem_t;
typedef int sys_mutex_t;
typedef int sys_mbox_t;
typedef int sys_thread_t;
typedef int sys_prot_t;

#define sys_sem_valid(s) (*(s) != 0)
#define sys_sem_set_invalid(s) (*(s) = 0)
#define sys_mutex_valid(m) (*(m) != 0)
#define sys_mutex_set_invalid(m) (*(m) = 0)
#define sys_mbox_valid(m) (*(m) != 0)
#define sys_mbox_set_invalid(m) (*(m) = 0)

#endif /* NR_DEVICE_ARCH_SYS_ARCH_H */
