# install rules: owned by the runtime/API work
