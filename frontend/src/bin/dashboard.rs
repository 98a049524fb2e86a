fn main() {
    tashbeek_frontend::dashboard();
}
