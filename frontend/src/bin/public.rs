fn main() {
    tashbeek_frontend::public_directory();
}
