/* Plain C99 checks of the shape and assembling C functions, with hand-worked expected values. */
#include "test_util.h"

/* x = arange(6) as 2x3 f32: [[0, 1, 2], [3, 4, 5]] */
static tfl_tensor* x23(void) { return mk(TFL_DTYPE_F32, 2, S(2, 3), V(0, 1, 2, 3, 4, 5)); }

static void test_views(void) {
  tfl_tensor *x = x23(), *r = NULL, *r2 = NULL;
  if (OK(tfl_tensor_reshape(&r, x, S(3, -1), 2))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(3, 2), V(0, 1, 2, 3, 4, 5));
  FAILS(tfl_tensor_reshape(&r, x, S(4, 2), 2), TFL_ERR_SHAPE, "tfl_tensor_reshape");
  if (OK(tfl_tensor_view(&r, x, S(6), 1))) EXPECT(keep(r), TFL_DTYPE_F32, 1, S(6), V(0, 1, 2, 3, 4, 5));
  if (OK(tfl_tensor_transpose(&r, x, 0, 1))) {
    keep(r);
    EXPECT(r, TFL_DTYPE_F32, 2, S(3, 2), V(0, 3, 1, 4, 2, 5));
    /* a transposed tensor cannot be viewed flat, but reshape copies */
    FAILS(tfl_tensor_view(&r2, r, S(6), 1), TFL_ERR_SHAPE, "tfl_tensor_view");
    if (OK(tfl_tensor_reshape(&r2, r, S(6), 1))) EXPECT(keep(r2), TFL_DTYPE_F32, 1, S(6), V(0, 3, 1, 4, 2, 5));
    if (OK(tfl_tensor_ravel(&r2, r))) EXPECT(keep(r2), TFL_DTYPE_F32, 1, S(6), V(0, 3, 1, 4, 2, 5));
  }
  if (OK(tfl_tensor_matrix_transpose(&r, x))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(3, 2), V(0, 3, 1, 4, 2, 5));
  {
    /* 1x2x1x3 -> permute (3, 1, 0, 2): shape 3x2x1x1 */
    tfl_tensor* y = NULL;
    if (OK(tfl_tensor_reshape(&y, x, S(1, 2, 1, 3), 4))) {
      keep(y);
      if (OK(tfl_tensor_permute(&r, y, S(3, 1, 0, 2), 4)))
        EXPECT(keep(r), TFL_DTYPE_F32, 4, S(3, 2, 1, 1), V(0, 3, 1, 4, 2, 5));
      FAILS(tfl_tensor_permute(&r, y, S(0, 0, 1, 2), 4), TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_permute");
      if (OK(tfl_tensor_squeeze(&r, y))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 3), V(0, 1, 2, 3, 4, 5));
      if (OK(tfl_tensor_squeeze_axes(&r, y, S(-2), 1))) EXPECT(keep(r), TFL_DTYPE_F32, 3, S(1, 2, 3), V(0, 1, 2, 3, 4, 5));
      FAILS(tfl_tensor_squeeze_axes(&r, y, S(1), 1), TFL_ERR_SHAPE, "tfl_tensor_squeeze_axes");
      if (OK(tfl_tensor_flatten(&r, y, 1, 2))) EXPECT(keep(r), TFL_DTYPE_F32, 3, S(1, 2, 3), V(0, 1, 2, 3, 4, 5));
      if (OK(tfl_tensor_flatten(&r, y, 0, -1))) EXPECT(keep(r), TFL_DTYPE_F32, 1, S(6), V(0, 1, 2, 3, 4, 5));
    }
  }
  if (OK(tfl_tensor_unsqueeze(&r, x, -1))) EXPECT(keep(r), TFL_DTYPE_F32, 3, S(2, 3, 1), V(0, 1, 2, 3, 4, 5));
  {
    tfl_tensor* col = mk(TFL_DTYPE_F32, 2, S(2, 1), V(7, 8));
    if (OK(tfl_tensor_broadcast_to(&r, col, S(2, 2, 3), 3)))
      EXPECT(keep(r), TFL_DTYPE_F32, 3, S(2, 2, 3), V(7, 7, 7, 8, 8, 8, 7, 7, 7, 8, 8, 8));
    if (OK(tfl_tensor_expand(&r, col, S(-1, 2), 2))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 2), V(7, 7, 8, 8));
    FAILS(tfl_tensor_broadcast_to(&r, x, S(3, 3), 2), TFL_ERR_SHAPE, "tfl_tensor_broadcast_to");
  }
  {
    /* x[:, ::-1], x[:, 1:], x[1:, :] with Python bounds */
    int64_t start = 1, neg = -2;
    if (OK(tfl_tensor_slice(&r, x, 1, NULL, NULL, -1))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 3), V(2, 1, 0, 5, 4, 3));
    if (OK(tfl_tensor_slice(&r, x, -1, &start, NULL, 1))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 2), V(1, 2, 4, 5));
    if (OK(tfl_tensor_slice(&r, x, 1, NULL, &neg, 1))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 1), V(0, 3));
    FAILS(tfl_tensor_slice(&r, x, 0, NULL, NULL, 0), TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_slice");
  }
}

static void test_concat_stack(void) {
  tfl_tensor *x = x23(), *r = NULL;
  tfl_tensor* y = mk(TFL_DTYPE_F64, 2, S(1, 3), V(-1, -2, -3));
  const tfl_tensor* xy[2];
  const tfl_tensor* with_null[2];
  xy[0] = x;
  xy[1] = y;
  with_null[0] = x;
  with_null[1] = NULL;
  if (OK(tfl_tensor_concat(&r, xy, 2, 0)))
    EXPECT(keep(r), TFL_DTYPE_F64, 2, S(3, 3), V(0, 1, 2, 3, 4, 5, -1, -2, -3)); /* f32 with f64 gives f64 */
  FAILS(tfl_tensor_concat(&r, xy, 2, 1), TFL_ERR_SHAPE, "tfl_tensor_concat");
  FAILS(tfl_tensor_concat(&r, with_null, 2, 0), TFL_ERR_INVALID_ARGUMENT, "element 1 is NULL");
  xy[1] = x;
  if (OK(tfl_tensor_stack(&r, xy, 2, 1)))
    EXPECT(keep(r), TFL_DTYPE_F32, 3, S(2, 2, 3), V(0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5));
}

static void test_split_chunk(void) {
  tfl_tensor *x = mk(TFL_DTYPE_F32, 1, S(7), V(0, 1, 2, 3, 4, 5, 6)), *pieces[4] = {NULL, NULL, NULL, NULL};
  size_t count = 0;
  int i;
  if (OK(tfl_tensor_split(pieces, &count, 4, x, S(2, 5), 2, 0))) {
    CHECK(count == 2 && pieces[2] == NULL && pieces[3] == NULL);
    EXPECT(keep(pieces[0]), TFL_DTYPE_F32, 1, S(2), V(0, 1));
    EXPECT(keep(pieces[1]), TFL_DTYPE_F32, 1, S(5), V(2, 3, 4, 5, 6));
  }
  /* torch.chunk: 7 elements in 3 chunks -> sizes 3, 3, 1; the count query first */
  count = 0;
  if (OK(tfl_tensor_chunk(NULL, &count, 0, x, 3, 0))) CHECK(count == 3);
  if (OK(tfl_tensor_chunk(pieces, &count, 4, x, 3, 0))) {
    CHECK(count == 3);
    EXPECT(keep(pieces[0]), TFL_DTYPE_F32, 1, S(3), V(0, 1, 2));
    EXPECT(keep(pieces[1]), TFL_DTYPE_F32, 1, S(3), V(3, 4, 5));
    EXPECT(keep(pieces[2]), TFL_DTYPE_F32, 1, S(1), V(6));
  }
  /* too small an array: an error, every slot NULL, the count still reported */
  count = 0;
  FAILS(tfl_tensor_chunk(pieces, &count, 2, x, 3, 0), TFL_ERR_INVALID_ARGUMENT, "'capacity'");
  CHECK(count == 3 && pieces[0] == NULL && pieces[1] == NULL);
  FAILS(tfl_tensor_split(pieces, &count, 4, x, S(2, 2), 2, 0), TFL_ERR_SHAPE, "tfl_tensor_split");
  for (i = 0; i < 4; ++i) CHECK(pieces[i] == NULL);
  {
    tfl_tensor* y = NULL;
    if (OK(tfl_tensor_reshape(&y, mk(TFL_DTYPE_F32, 1, S(6), V(0, 1, 2, 3, 4, 5)), S(2, 3), 2))) {
      keep(y);
      if (OK(tfl_tensor_split_sections(pieces, &count, 4, y, 3, 1))) {
        CHECK(count == 3);
        EXPECT(keep(pieces[0]), TFL_DTYPE_F32, 2, S(2, 1), V(0, 3));
        EXPECT(keep(pieces[1]), TFL_DTYPE_F32, 2, S(2, 1), V(1, 4));
        EXPECT(keep(pieces[2]), TFL_DTYPE_F32, 2, S(2, 1), V(2, 5));
      }
      FAILS(tfl_tensor_split_sections(pieces, &count, 4, y, 2, 1), TFL_ERR_SHAPE, "tfl_tensor_split_sections");
    }
  }
}

static void test_rearranging(void) {
  tfl_tensor *x = x23(), *r = NULL;
  /* pad axis 0 by (1, 0) and axis 1 by (0, 2) with 9 */
  if (OK(tfl_tensor_pad(&r, x, S(1, 0, 0, 2), 4, TFL_PAD_CONSTANT, 9)))
    EXPECT(keep(r), TFL_DTYPE_F32, 2, S(3, 5), V(9, 9, 9, 9, 9, 0, 1, 2, 9, 9, 3, 4, 5, 9, 9));
  /* reflect one on each side of every axis: rows [3 4 5], [0 1 2], [3 4 5], [0 1 2], columns mirrored */
  if (OK(tfl_tensor_pad(&r, x, S(1, 1), 2, TFL_PAD_REFLECT, 0)))
    EXPECT(keep(r), TFL_DTYPE_F32, 2, S(4, 5),
           V(4, 3, 4, 5, 4, 1, 0, 1, 2, 1, 4, 3, 4, 5, 4, 1, 0, 1, 2, 1));
  FAILS(tfl_tensor_pad(&r, x, S(1, 1, 1), 3, TFL_PAD_CONSTANT, 0), TFL_ERR_INVALID_ARGUMENT, "'nwidths'");
  FAILS(tfl_tensor_pad(&r, x, S(1, 1), 2, (tfl_pad_mode)7, 0), TFL_ERR_INVALID_ARGUMENT, "'mode'");
  if (OK(tfl_tensor_flip(&r, x))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 3), V(5, 4, 3, 2, 1, 0));
  if (OK(tfl_tensor_flip_axes(&r, x, S(0), 1))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 3), V(3, 4, 5, 0, 1, 2));
  if (OK(tfl_tensor_roll(&r, x, 2))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 3), V(4, 5, 0, 1, 2, 3));
  if (OK(tfl_tensor_roll_axes(&r, x, S(1, -1), 2, S(0, 1), 2)))
    EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 3), V(4, 5, 3, 1, 2, 0));
  FAILS(tfl_tensor_roll_axes(&r, x, S(1), 1, NULL, 0), TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_roll_axes");
  {
    tfl_tensor* sq = mk(TFL_DTYPE_F32, 2, S(3, 3), V(1, 2, 3, 4, 5, 6, 7, 8, 9));
    if (OK(tfl_tensor_tril(&r, sq, 0))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(3, 3), V(1, 0, 0, 4, 5, 0, 7, 8, 9));
    if (OK(tfl_tensor_triu(&r, sq, 1))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(3, 3), V(0, 2, 3, 0, 0, 6, 0, 0, 0));
    FAILS(tfl_tensor_tril(&r, mk(TFL_DTYPE_F32, 1, S(2), V(1, 2)), 0), TFL_ERR_SHAPE, "tfl_tensor_tril");
  }
  if (OK(tfl_tensor_repeat(&r, x, S(2), 1)))
    EXPECT(keep(r), TFL_DTYPE_F32, 1, S(12), V(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5));
  if (OK(tfl_tensor_repeat_axis(&r, x, S(0, 2), 2, 0))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 3), V(3, 4, 5, 3, 4, 5));
  FAILS(tfl_tensor_repeat_axis(&r, x, S(1, 1, 1), 3, 0), TFL_ERR_SHAPE, "tfl_tensor_repeat_axis");
  if (OK(tfl_tensor_tile(&r, x, S(2, 1, 2), 3)))
    EXPECT(keep(r), TFL_DTYPE_F32, 3, S(2, 2, 6),
           V(0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5));
}

int main(void) {
  test_views();
  test_concat_stack();
  test_split_chunk();
  test_rearranging();
  return finish("ops_shape");
}
