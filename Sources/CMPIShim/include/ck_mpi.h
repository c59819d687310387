#ifndef CK_MPI_H
#define CK_MPI_H

// The MPI calls the Distributed module makes, on MPI_COMM_WORLD, with plain C
// types: MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE and friends are
// macros (pointers to Open MPI's globals) that Swift cannot import. Every
// function returns an MPI error code (0 is MPI_SUCCESS): the world
// communicator's error handler is MPI_ERRORS_RETURN, so failures come back as
// codes that Swift turns into typed errors instead of aborting inside MPI.

#include <stdint.h>

/// MPI_Init_thread with MPI_THREAD_SERIALIZED (once; later calls return 0),
/// then MPI_ERRORS_RETURN on MPI_COMM_WORLD. `provided` gets the thread level.
int ck_mpi_init(int *provided);
/// Whether MPI_Init has run (1) or not (0).
int ck_mpi_is_initialized(void);
/// MPI_Finalize, unless MPI is not initialised or already finalised.
int ck_mpi_finalize(void);
int ck_mpi_rank(int *rank);
int ck_mpi_size(int *size);
/// In-place sum over all ranks of `count` floats (count ≤ INT_MAX).
int ck_mpi_allreduce_sum_float(float *buffer, int count);
/// In-place sum over all ranks of `count` doubles.
int ck_mpi_allreduce_sum_double(double *buffer, int count);
/// Broadcast of `bytes` bytes from `root`.
int ck_mpi_bcast_bytes(void *buffer, int bytes, int root);
/// Every rank's int64 in rank order: `out` holds size values.
int ck_mpi_allgather_int64(int64_t value, int64_t *out);
/// Variable-length allgather of bytes: rank r's `count` bytes land at `recv + displs[r]`.
int ck_mpi_allgatherv_bytes(const void *send, int count, void *recv, const int *counts, const int *displs);
int ck_mpi_barrier(void);
/// MPI_Abort on MPI_COMM_WORLD: every rank ends with `code`.
void ck_mpi_abort(int code);
/// The text of an MPI error code, in `buffer` of `capacity` bytes (NUL-terminated).
void ck_mpi_error_string(int code, char *buffer, int capacity);

#endif
