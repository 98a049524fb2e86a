fn main() {
    tashbeek_frontend::roadmap();
}
