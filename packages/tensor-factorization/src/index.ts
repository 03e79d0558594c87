/**
 * @theoryml/tensor-factorization: CP and hierarchical tensor factorizations, their implicit
 * regularization, and the quantum entanglement of data for locally connected networks.
 * @packageDocumentation
 */

// --- factorizations (issue 4) ---
export {}

// --- entanglement (issue 5) ---
