//! The Rust binding example: the digits MLP of examples/c/train_digits.c (same data, split, model,
//! optimizer and schedule) written only against the `tenflowers` crate. It prints the loss as it goes and
//! the test accuracy at the end, saves a checkpoint, reloads it into a fresh model and checks that model
//! scores the same, and prints the memory profiler's findings. Exits 1 below 95 % test accuracy.
//!   train_digits [data/digits.csv] [checkpoint.safetensors]
use std::time::Instant;
use tenflowers::{
    grad_set_enabled, library_build_info, loss_cross_entropy, memory_profiler_findings, memory_profiler_start,
    memory_profiler_stop, nn_linear_create, nn_relu_create, optim_sgd_create, random_seed, sched_cosine_create,
    version, Dtype, Module, Reduction, Result, Tensor,
};

const FEATURES: usize = 64;
const HIDDEN: i64 = 128;
const CLASSES: i64 = 10;
const BATCH: usize = 32;
const EPOCHS: i64 = 40;

struct Digits {
    pixels: Vec<f32>, // n x 64, scaled to [0, 1]
    labels: Vec<i64>,
}

fn load_digits(path: &str) -> Digits {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    let mut d = Digits { pixels: Vec::new(), labels: Vec::new() };
    for line in text.lines() {
        let v: Vec<i64> = line.split(',').filter_map(|c| c.trim().parse().ok()).collect();
        if v.len() != FEATURES + 1 {
            continue;
        }
        d.pixels.extend(v[..FEATURES].iter().map(|&p| p as f32 / 16.0));
        d.labels.push(v[FEATURES]);
    }
    assert!(!d.labels.is_empty(), "no rows in {path}");
    d
}

/// The C example's xorshift permutation, so every example splits and shuffles identically.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn shuffle(&mut self, v: &mut [usize]) {
        for i in (2..=v.len()).rev() {
            let j = (self.next() % i as u64) as usize;
            v.swap(i - 1, j);
        }
    }
}

/// Rows `idx` as x (k x 64 f32) and y (k i64).
fn make_batch(d: &Digits, idx: &[usize]) -> Result<(Tensor, Tensor)> {
    let mut xs = Vec::with_capacity(idx.len() * FEATURES);
    for &i in idx {
        xs.extend_from_slice(&d.pixels[i * FEATURES..(i + 1) * FEATURES]);
    }
    let ys: Vec<i64> = idx.iter().map(|&i| d.labels[i]).collect();
    let k = idx.len() as i64;
    Ok((Tensor::from_slice(&xs, &[k, FEATURES as i64])?, Tensor::from_slice(&ys, &[k])?))
}

fn make_model() -> Result<Module> {
    Module::sequential(&[
        &nn_linear_create(FEATURES as i64, HIDDEN, true, Dtype::F32)?,
        &nn_relu_create()?,
        &nn_linear_create(HIDDEN, CLASSES, true, Dtype::F32)?,
    ])
}

/// Fraction of rows `idx` classified correctly (eval mode, no graph recorded).
fn accuracy(model: &Module, d: &Digits, idx: &[usize]) -> Result<f64> {
    model.eval()?;
    grad_set_enabled(false)?;
    let (x, y) = make_batch(d, idx)?;
    let correct = model.call(&x)?.argmax_axis(1, false)?.eq(&y)?.sum()?.item();
    grad_set_enabled(true)?;
    model.train(true)?;
    Ok(correct? / idx.len() as f64)
}

fn run(data_path: &str, ckpt_path: &str) -> Result<bool> {
    println!("tenflowers {} (Rust binding)\n{}", version(), library_build_info()?);
    let data = load_digits(data_path);
    let n = data.labels.len();
    let mut rng = XorShift(2026);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let n_train = n * 4 / 5;
    println!("digits: {n} samples, {n_train} train / {} test, 64 features, 10 classes", n - n_train);

    random_seed(0)?;
    let model = make_model()?;
    let params = model.parameters()?;
    let param_refs: Vec<&Tensor> = params.iter().collect();
    let sgd = optim_sgd_create(&param_refs, 0.05, 0.9, 0.0, 0.0, false)?;
    let cosine = sched_cosine_create(&sgd, EPOCHS, 0.001)?;
    memory_profiler_start()?;

    let t0 = Instant::now();
    for epoch in 1..=EPOCHS {
        let (mut loss_sum, mut batches) = (0.0, 0);
        rng.shuffle(&mut order[..n_train]);
        for batch in order[..n_train].chunks(BATCH) {
            let (x, y) = make_batch(&data, batch)?;
            let loss = loss_cross_entropy(&model.call(&x)?, &y, Reduction::Mean, -100, 0.0, None)?;
            sgd.zero_grad(true)?;
            loss.backward(None, false, false)?;
            sgd.step()?;
            loss_sum += loss.item()?;
            batches += 1;
        }
        let lr = sgd.lr()?;
        cosine.step()?;
        if epoch == 1 || epoch % 10 == 0 {
            println!("epoch {epoch:2}  lr {lr:.4}  train loss {:.4}", loss_sum / batches as f64);
        }
    }
    let seconds = t0.elapsed().as_secs_f64();
    memory_profiler_stop()?;

    let acc = accuracy(&model, &data, &order[n_train..])?;
    println!("test accuracy {:.2}% after {EPOCHS} epochs in {seconds:.2} s", 100.0 * acc);

    model.state_dict_save(ckpt_path)?;
    let reloaded = make_model()?;
    reloaded.state_dict_load(ckpt_path, true)?;
    let acc_reloaded = accuracy(&reloaded, &data, &order[n_train..])?;
    println!("checkpoint written to {ckpt_path}; reloaded model: test accuracy {:.2}%", 100.0 * acc_reloaded);
    println!("memory profiler findings:\n{}", memory_profiler_findings()?);
    Ok(acc >= 0.95 && acc_reloaded == acc)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data_path = args.get(1).map(String::as_str).unwrap_or("data/digits.csv");
    let ckpt_path = args.get(2).map(String::as_str).unwrap_or("digits_mlp_rust.safetensors");
    match run(data_path, ckpt_path) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("tenflowers error: {e}");
            std::process::exit(1);
        }
    }
}
