/* The op profiler and the classification metrics through the C API: the profiler's JSON names the ops
 * a caller ran (matmul in the blas category), sizes and capacity errors of the text outputs; metrics
 * against small cases counted by hand. */
#include <stdint.h>

#include "test_util.h"

static void profiler(void) {
  char buf[16384];
  size_t len = 0;
  bool on = true;
  tfl_tensor *a = mk(TFL_DTYPE_F32, 2, S(2, 2), V(1, 2, 3, 4)), *p = NULL;
  OK(tfl_profiler_stop());
  OK(tfl_profiler_reset());
  OK(tfl_profiler_enabled(&on));
  CHECK(!on);
  OK(tfl_profiler_start());
  OK(tfl_profiler_enabled(&on));
  CHECK(on);
  OK(tfl_tensor_matmul(&p, a, a));
  keep(p);
  OK(tfl_profiler_stop());
  OK(tfl_profiler_report_json(NULL, &len, 0, -1));
  CHECK(len > 0 && len < sizeof buf);
  OK(tfl_profiler_report_json(buf, &len, sizeof buf, -1));
  CHECK(strlen(buf) == len);
  CHECK(strstr(buf, "{\"name\":\"matmul\",\"category\":\"blas\",\"calls\":1,") != NULL);
  CHECK(strstr(buf, "\"framework_overhead\":") != NULL);
  CHECK(strstr(buf, "\"bottleneck\":") != NULL);
  FAILS(tfl_profiler_report_json(buf, &len, 4, -1), TFL_ERR_INVALID_ARGUMENT, "'capacity'");
  FAILS(tfl_profiler_report_json(buf, &len, sizeof buf, -2), TFL_ERR_INVALID_ARGUMENT, "'indent'");
  OK(tfl_profiler_summary(buf, &len, sizeof buf, 20));
  CHECK(strstr(buf, "matmul") != NULL);
  FAILS(tfl_profiler_summary(buf, &len, sizeof buf, 0), TFL_ERR_INVALID_ARGUMENT, "'max_rows'");
  OK(tfl_profiler_reset());
  OK(tfl_profiler_report_json(buf, &len, sizeof buf, -1));
  CHECK(strstr(buf, "\"ops\":[]") != NULL);
}

static void metrics(void) {
  double acc = -1, pr = -1, rc = -1, f1 = -1;
  tfl_tensor* m = NULL;
  /* 4 samples, 3 classes; scores argmax = [1, 0, 2, 2], targets [1, 0, 1, 2]: 3 of 4 right. */
  tfl_tensor* scores = mk(TFL_DTYPE_F32, 2, S(4, 3), V(0.1, 0.7, 0.2, 0.6, 0.3, 0.1, 0.2, 0.3, 0.5, 0.0, 0.1, 0.9));
  tfl_tensor* y = mk(TFL_DTYPE_I64, 1, S(4), V(1, 0, 1, 2));
  tfl_tensor* bad = mk(TFL_DTYPE_I64, 1, S(3), V(1, 0, 1));
  tfl_tensor* out_of_range = mk(TFL_DTYPE_I64, 1, S(4), V(1, 0, 7, 2));
  OK(tfl_metrics_accuracy(&acc, scores, y));
  CHECK(acc == 0.75);
  /* Row 2 ([.2, .3, .5], target 1) has its target second: top-2 gets all 4. */
  OK(tfl_metrics_top_k_accuracy(&acc, scores, y, 2));
  CHECK(acc == 1.0);
  FAILS(tfl_metrics_top_k_accuracy(&acc, scores, y, 4), TFL_ERR_INVALID_ARGUMENT, "k must be in [1, 3]");
  OK(tfl_metrics_confusion_matrix(&m, scores, y, 3));
  keep(m);
  /* rows = targets: class 0 -> 0; class 1 -> {1, 2}; class 2 -> 2 */
  EXPECT(m, TFL_DTYPE_I64, 2, S(3, 3), V(1, 0, 0, 0, 1, 1, 0, 0, 1));
  OK(tfl_metrics_precision_recall_f1(&m, scores, y, 3, 0.0));
  keep(m);
  /* class 2: tp 1, fp 1, fn 0 -> precision 1/2, recall 1, F1 2/3; class 1: tp 1, fn 1 -> recall 1/2. */
  EXPECT_NEAR(m, TFL_DTYPE_F64, 2, S(4, 3), V(1, 1, 0.5, 1, 0.5, 1, 1, 2.0 / 3, 2.0 / 3, 1, 2, 1), 1e-12);
  OK(tfl_metrics_precision_recall_f1_average(&pr, &rc, &f1, scores, y, 3, TFL_AVERAGE_MACRO, 0.0));
  CHECK(fabs(pr - 2.5 / 3) < 1e-12 && fabs(rc - 2.5 / 3) < 1e-12 && fabs(f1 - (1 + 4.0 / 3) / 3) < 1e-12);
  OK(tfl_metrics_precision_recall_f1_average(&pr, &rc, &f1, scores, y, 3, TFL_AVERAGE_MICRO, 0.0));
  CHECK(pr == 0.75 && rc == 0.75 && f1 == 0.75);
  OK(tfl_metrics_precision_recall_f1_average(&pr, &rc, &f1, scores, y, 3, TFL_AVERAGE_WEIGHTED, 0.0));
  CHECK(fabs(rc - 0.75) < 1e-12 && fabs(pr - (1 + 2 * 1 + 0.5) / 4) < 1e-12);
  FAILS(tfl_metrics_accuracy(&acc, scores, bad), TFL_ERR_SHAPE, "[accuracy]");
  FAILS(tfl_metrics_confusion_matrix(&m, scores, out_of_range, 3), TFL_ERR_INDEX, "label 7");
  FAILS(tfl_metrics_precision_recall_f1(&m, scores, y, 3, 0.5), TFL_ERR_INVALID_ARGUMENT, "'zero_division'");
  FAILS(tfl_metrics_precision_recall_f1_average(&pr, &rc, &f1, scores, y, 3, (tfl_metric_average)9, 0.0),
        TFL_ERR_INVALID_ARGUMENT, "'average'");
}

int main(void) {
  profiler();
  metrics();
  return finish("profiler_metrics");
}
