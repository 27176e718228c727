# What the freestanding runtime is built from, relative to the source root: the Cortex-M build
# (src/micro/port) compiles these, and trit deploy copies them (and the headers) into a project.
set(TRIT_MICRO_RUNTIME_SOURCES
  src/micro/conv_pool.cc src/micro/in_place.cc src/micro/ops_concat.cc src/micro/interpreter.cc src/micro/model_view.cc src/micro/ops_linear.cc
  src/micro/ops_pointwise.cc src/micro/ops_pool.cc src/micro/ops_recurrent.cc src/micro/rescale_table.cc
  src/micro/status.cc
  src/kernels/q8_prepare.cc src/kernels/registry/cortex_m.cc src/kernels/ref/activation.cc src/kernels/ref/batch_norm.cc
  src/kernels/ref/concat.cc src/kernels/ref/conv2d.cc src/kernels/ref/dense.cc
  src/kernels/ref/elementwise.cc src/kernels/ref/pool.cc src/kernels/ref/quantize.cc
  src/kernels/cortex_m/q8_conv_dsp.cc src/kernels/cortex_m/q8_conv_mve.cc
  src/kernels/cortex_m/q8_depthwise_dsp.cc src/kernels/cortex_m/q8_maxpool_dsp.cc
  src/kernels/cortex_m/q8_maxpool_mve.cc src/kernels/cortex_m/q8_add_dsp.cc src/kernels/cortex_m/q8_add_mve.cc
  src/kernels/cortex_m/q8_clamp_dsp.cc src/kernels/cortex_m/q8_clamp_mve.cc
  src/kernels/cortex_m/q8_depthwise_mve.cc src/kernels/cortex_m/q8_avgpool_dsp.cc
  src/kernels/cortex_m/q8_avgpool_mve.cc src/kernels/cortex_m/q8_lookup_mve.cc src/kernels/cortex_m/q8_batch_norm.cc
  src/kernels/cortex_m/q8_batch_norm_mve.cc src/format/crc32.cc src/core/arena_plan.cc)
set(TRIT_MICRO_RUNTIME_HEADERS
  include/trit/trit_micro.h
  src/micro/compiled_ops.h src/micro/conv_pool.h src/micro/in_place.h src/micro/inspect.h src/micro/model_view.h src/micro/node_record.h
  src/micro/op.h src/micro/params.h src/micro/rescale_table.h src/micro/status.h
  src/kernels/q8_prepare.h src/kernels/requantize.h src/kernels/isa.h src/kernels/fast_math.h
  src/kernels/ref/cell_params.h src/kernels/ref/cell_step.h src/kernels/ref/quantize_vector_q8.h
  src/kernels/registry/cortex_m.h src/kernels/registry/kernel_candidate.h src/kernels/ref/activation.h
  src/kernels/ref/batch_norm.h src/kernels/ref/concat.h src/kernels/ref/conv2d.h
  src/kernels/ref/dense.h src/kernels/ref/elementwise.h src/kernels/ref/pool.h
  src/kernels/ref/quant_weights.h src/kernels/ref/quantize.h src/kernels/cortex_m/q8_conv_dsp.h
  src/kernels/cortex_m/q8_conv_mve.h src/kernels/cortex_m/q8_depthwise.h src/kernels/cortex_m/q8_maxpool.h
  src/kernels/cortex_m/q8_add.h src/kernels/cortex_m/q8_clamp.h
  src/kernels/cortex_m/q8_avgpool.h src/kernels/cortex_m/pool_window.h src/kernels/cortex_m/q8_lookup.h src/kernels/cortex_m/q8_batch_norm.h
  src/kernels/q8_batch_norm_split.h
  src/kernels/cortex_m/mve_load.h src/kernels/cortex_m/q8_dot_mve.h
  src/kernels/cortex_m/requantize_m.h src/kernels/cortex_m/weight_types.h
  src/format/crc32.h src/format/file_header.h
  src/core/arena_plan.h src/core/bitpack.h src/core/dtype.h src/core/op_type.h)
# The port: reset code, semihosting, the linker script template and the target table.
set(TRIT_MICRO_PORT_FILES
  src/micro/port/startup.c src/micro/port/semihosting.c src/micro/port/semihosting.h
  src/micro/port/cortex-m.ld.in src/micro/port/targets.txt)
# Compiler flags of every Cortex-M build (the target's CPU flags come from targets.txt).
# -ffp-contract=off: the fp32 layers' a * b + c must not become a fused multiply-add, which
# the host's reference kernels do not do.
set(TRIT_MICRO_FLAGS -O2 -DNDEBUG -ffunction-sections -fdata-sections -ffp-contract=off)
set(TRIT_MICRO_CXX_FLAGS -fno-exceptions -fno-rtti -fno-threadsafe-statics)
set(TRIT_MICRO_LINK_FLAGS --specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,--gc-sections)
