fn main() {
    tashbeek_frontend::meetings();
}
