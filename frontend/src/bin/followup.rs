fn main() {
    tashbeek_frontend::followup();
}
