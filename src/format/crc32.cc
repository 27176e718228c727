// PLACEHOLDER: being written; the owner replaces this file.
