fn main() {
    std::process::exit(intentc::cli::main());
}
