/* Reset and fault handling for the Cortex-M targets of trit deploy (M4, M7, M55): copies .data
 * from flash, zeroes .bss, enables the FPU (and with it Helium/MVE on the M55), runs main and
 * hands its status to trit_port_exit. The linker script (cortex-m.ld) provides the symbols. */
#include <stdint.h>

extern uint32_t __stack_top, __data_load, __data_start, __data_end, __bss_start, __bss_end;

int main(void);
void trit_port_exit(int status);
void trit_port_fault(void);

void Reset_Handler(void) {
  const uint32_t* from = &__data_load;
  for (uint32_t* to = &__data_start; to < &__data_end;) *to++ = *from++;
  for (uint32_t* to = &__bss_start; to < &__bss_end;) *to++ = 0;
  /* CPACR: full access to CP10 and CP11 (the FPU; on Armv8.1-M also MVE). */
  *(volatile uint32_t*)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  trit_port_exit(main());
}

void Fault_Handler(void) { trit_port_fault(); }

__attribute__((section(".vectors"), used))
const void* const trit_vectors[16] = {&__stack_top,
                                      (const void*)Reset_Handler,
                                      (const void*)Fault_Handler,
                                      (const void*)Fault_Handler,
                                      (const void*)Fault_Handler,
                                      (const void*)Fault_Handler,
                                      (const void*)Fault_Handler,
                                      (const void*)Fault_Handler};
