fn main() {
    triangulate_desktop::run()
}
