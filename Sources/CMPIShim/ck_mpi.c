#include "ck_mpi.h"
#include <mpi.h>
#include <string.h>

int ck_mpi_init(int *provided) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) { MPI_Query_thread(provided); return MPI_SUCCESS; }
    // SERIALIZED: the trainer calls MPI from whichever thread runs it, one call at a time.
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
    if (rc != MPI_SUCCESS) return rc;
    return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int ck_mpi_is_initialized(void) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    return initialized;
}

int ck_mpi_finalize(void) {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized) return MPI_SUCCESS;
    return MPI_Finalize();
}

int ck_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }
int ck_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }

int ck_mpi_allreduce_sum_float(float *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

int ck_mpi_allreduce_sum_double(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

int ck_mpi_bcast_bytes(void *buffer, int bytes, int root) {
    return MPI_Bcast(buffer, bytes, MPI_BYTE, root, MPI_COMM_WORLD);
}

int ck_mpi_allgather_int64(int64_t value, int64_t *out) {
    return MPI_Allgather(&value, 1, MPI_INT64_T, out, 1, MPI_INT64_T, MPI_COMM_WORLD);
}

int ck_mpi_allgatherv_bytes(const void *send, int count, void *recv, const int *counts, const int *displs) {
    return MPI_Allgatherv(send, count, MPI_BYTE, recv, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
}

int ck_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

void ck_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

void ck_mpi_error_string(int code, char *buffer, int capacity) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    text[length < MPI_MAX_ERROR_STRING ? length : MPI_MAX_ERROR_STRING - 1] = 0;
    if (capacity > 0) { strncpy(buffer, text, (size_t)capacity - 1); buffer[capacity - 1] = 0; }
}
