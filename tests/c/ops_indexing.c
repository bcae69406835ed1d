/* Plain C99 checks of the indexing and sorting C functions, with hand-worked expected values. */
#include "test_util.h"

static void test_gathering(void) {
  /* x = [[10, 11, 12], [20, 21, 22]] */
  tfl_tensor *x = mk(TFL_DTYPE_F32, 2, S(2, 3), V(10, 11, 12, 20, 21, 22)), *r = NULL;
  tfl_tensor* idx = mk(TFL_DTYPE_I64, 2, S(2, 2), V(2, 0, -1, 1));
  /* gather axis 1: out[i][j] = x[i][idx[i][j]] */
  if (OK(tfl_tensor_gather(&r, x, 1, idx))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 2), V(12, 10, 22, 21));
  FAILS(tfl_tensor_gather(&r, x, 1, mk(TFL_DTYPE_F32, 2, S(1, 1), V(0))), TFL_ERR_DTYPE, "tfl_tensor_gather");
  if (OK(tfl_tensor_take(&r, x, mk(TFL_DTYPE_I32, 1, S(3), V(5, 0, -3)))))
    EXPECT(keep(r), TFL_DTYPE_F32, 1, S(3), V(22, 10, 20));
  FAILS(tfl_tensor_take(&r, x, mk(TFL_DTYPE_I32, 1, S(1), V(6))), TFL_ERR_INDEX, "tfl_tensor_take");
  if (OK(tfl_tensor_index_select(&r, x, 0, mk(TFL_DTYPE_I64, 1, S(3), V(1, 1, 0)))))
    EXPECT(keep(r), TFL_DTYPE_F32, 2, S(3, 3), V(20, 21, 22, 20, 21, 22, 10, 11, 12));
  /* take_along_axis with indices (1, 3) broadcast over the rows of x */
  if (OK(tfl_tensor_take_along_axis(&r, x, mk(TFL_DTYPE_I64, 2, S(1, 1), V(2)), 1)))
    EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 1), V(12, 22));
  if (OK(tfl_tensor_masked_select(&r, x, mk(TFL_DTYPE_BOOL, 1, S(3), V(1, 0, 1)))))
    EXPECT(keep(r), TFL_DTYPE_F32, 1, S(4), V(10, 12, 20, 22));
  if (OK(tfl_tensor_one_hot(&r, mk(TFL_DTYPE_I64, 1, S(3), V(2, 0, 1)), 3, TFL_DTYPE_F32)))
    EXPECT(keep(r), TFL_DTYPE_F32, 2, S(3, 3), V(0, 0, 1, 1, 0, 0, 0, 1, 0));
  FAILS(tfl_tensor_one_hot(&r, mk(TFL_DTYPE_I64, 1, S(1), V(3)), 3, TFL_DTYPE_F32), TFL_ERR_INDEX, "tfl_tensor_one_hot");
}

static void test_accumulating(void) {
  tfl_tensor *t = mk(TFL_DTYPE_F64, 1, S(4), V(1, 1, 1, 1)), *r = NULL;
  tfl_tensor* idx = mk(TFL_DTYPE_I64, 1, S(3), V(0, 3, 0));
  tfl_tensor* src = mk(TFL_DTYPE_F64, 1, S(3), V(5, 7, 9));
  /* duplicates accumulate: t[0] += 5 + 9, t[3] += 7 */
  if (OK(tfl_tensor_scatter_add(&r, t, 0, idx, src))) EXPECT(keep(r), TFL_DTYPE_F64, 1, S(4), V(15, 1, 1, 8));
  EXPECT(t, TFL_DTYPE_F64, 1, S(4), V(1, 1, 1, 1)); /* out of place: t is untouched */
  if (OK(tfl_tensor_index_add(&r, t, 0, idx, src, 2))) EXPECT(keep(r), TFL_DTYPE_F64, 1, S(4), V(29, 1, 1, 15));
  if (OK(tfl_tensor_scatter_add_inplace(t, 0, idx, src))) EXPECT(t, TFL_DTYPE_F64, 1, S(4), V(15, 1, 1, 8));
  if (OK(tfl_tensor_index_add_inplace(t, 0, idx, src, -1))) EXPECT(t, TFL_DTYPE_F64, 1, S(4), V(1, 1, 1, 1));
  /* nothing is written when an index is out of range */
  FAILS(tfl_tensor_index_add_inplace(t, 0, mk(TFL_DTYPE_I64, 1, S(3), V(0, 1, 4)), src, 1), TFL_ERR_INDEX,
        "tfl_tensor_index_add_inplace");
  EXPECT(t, TFL_DTYPE_F64, 1, S(4), V(1, 1, 1, 1));
}

static void test_sorting(void) {
  tfl_tensor *x = mk(TFL_DTYPE_F32, 2, S(2, 3), V(3, NAN, 1, 2, 2, -1)), *v = NULL, *i = NULL, *r = NULL;
  /* NaN is larger than every number; equal elements keep their order */
  if (OK(tfl_tensor_sort(&v, &i, x, -1, false, false))) {
    EXPECT(keep(v), TFL_DTYPE_F32, 2, S(2, 3), V(1, 3, NAN, -1, 2, 2));
    EXPECT(keep(i), TFL_DTYPE_I64, 2, S(2, 3), V(2, 0, 1, 2, 0, 1));
  }
  if (OK(tfl_tensor_sort(&v, &i, x, 0, true, true))) {
    EXPECT(keep(v), TFL_DTYPE_F32, 2, S(2, 3), V(3, NAN, 1, 2, 2, -1));
    EXPECT(keep(i), TFL_DTYPE_I64, 2, S(2, 3), V(0, 0, 0, 1, 1, 1));
  }
  if (OK(tfl_tensor_argsort(&r, x, 1, true, true))) EXPECT(keep(r), TFL_DTYPE_I64, 2, S(2, 3), V(1, 0, 2, 0, 1, 2));
  if (OK(tfl_tensor_topk(&v, &i, x, 2, 1, false, true))) {
    EXPECT(keep(v), TFL_DTYPE_F32, 2, S(2, 2), V(1, 3, -1, 2));
    EXPECT(keep(i), TFL_DTYPE_I64, 2, S(2, 2), V(2, 0, 2, 0));
  }
  if (OK(tfl_tensor_topk(&v, &i, x, 1, 1, true, true))) {
    EXPECT(keep(v), TFL_DTYPE_F32, 2, S(2, 1), V(NAN, 2));
    EXPECT(keep(i), TFL_DTYPE_I64, 2, S(2, 1), V(1, 0));
  }
  v = i = (tfl_tensor*)&failures;
  FAILS(tfl_tensor_topk(&v, &i, x, 4, 1, true, true), TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_topk");
  CHECK(v == NULL && i == NULL);
}

int main(void) {
  test_gathering();
  test_accumulating();
  test_sorting();
  return finish("ops_indexing");
}
