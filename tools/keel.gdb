# keel.gdb: gdb setup for `make debug`: Keel's symbols from build/keel.elf, then QEMU's gdb stub on :1234.
set architecture i386:x86-64
file build/keel.elf
target remote localhost:1234
# The loader copies the hypervisor into memory after this point, which would wipe software
# breakpoints planted now; hardware breakpoints survive, so stop at the entry with one.
hbreak hv_entry
echo keel.gdb: QEMU is paused at the reset vector; 'continue' runs OVMF and the loader up to hv_entry.\n
